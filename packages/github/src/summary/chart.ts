import type { DeploymentRecord } from '@eds/core';

export interface ChartPoint {
  at: number;
  value: number;
}

export interface CanarySeries {
  /** Share of traffic (0..100) on the new version. */
  weight: ChartPoint[];
  /** Error rate (0..1) of the new version, as analysis measured it. */
  errorRate: ChartPoint[];
}

/** Weight changes come from the completed `set-traffic` steps; error rates from the analysis measurements. */
export function canarySeries(record: DeploymentRecord): CanarySeries {
  const weight: ChartPoint[] = [{ at: Date.parse(record.deployment.createdAt), value: 0 }];
  for (const stage of record.pipeline.stages) {
    for (const step of stage.steps) {
      if (
        record.progress.steps[step.id]?.kind !== 'set-traffic' ||
        !step.completedAt ||
        step.status !== 'COMPLETED'
      )
        continue;
      const percent = /(\d+)% to/.exec(step.name)?.[1];
      weight.push({ at: Date.parse(step.completedAt), value: percent !== undefined ? Number(percent) : 100 });
    }
  }
  const rolledBack = record.events.find((e) => e.type === 'RolledBack');
  if (rolledBack) weight.push({ at: Date.parse(rolledBack.at), value: 0 });
  const errorRate = record.progress.analysis
    .flatMap((run) => run.measurements)
    .filter((m) => m.metric === 'errorRate' && typeof m.value === 'number')
    .map((m) => ({ at: Date.parse(m.at), value: m.value as number }));
  weight.sort((a, b) => a.at - b.at);
  errorRate.sort((a, b) => a.at - b.at);
  return { weight, errorRate };
}

const W = 560;
const H = 180;
const PAD = 32;

/**
 * A small inline SVG: canary weight (stepped line, left axis 0–100%) and error rate (right axis 0–max)
 * over the deployment's time. Plain SVG, no scripts or external references, so it is safe to embed.
 */
export function canaryChartSvg(series: CanarySeries): string | undefined {
  if (series.weight.length < 2 && series.errorRate.length === 0) return undefined;
  const times = [...series.weight, ...series.errorRate].map((p) => p.at);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const maxRate = Math.max(0.05, ...series.errorRate.map((p) => p.value));
  const x = (at: number) => (PAD + ((at - t0) / (t1 - t0)) * (W - 2 * PAD)).toFixed(1);
  const yOf = (share: number) => (H - PAD + -share * (H - 2 * PAD)).toFixed(1);
  const stepped = series.weight
    .map((p, i) => {
      const prev = series.weight[i - 1];
      return prev
        ? `L${x(p.at)},${yOf(prev.value / 100)} L${x(p.at)},${yOf(p.value / 100)}`
        : `M${x(p.at)},${yOf(p.value / 100)}`;
    })
    .join(' ');
  const rate = series.errorRate
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at)},${yOf(p.value / maxRate)}`)
    .join(' ');
  const seconds = Math.round((t1 - t0) / 1000);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="canary weight and error rate over time">`,
    `<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#d0d7de"/>`,
    `<path d="${stepped}" fill="none" stroke="#0969da" stroke-width="2"/>`,
    rate ? `<path d="${rate}" fill="none" stroke="#cf222e" stroke-width="2" stroke-dasharray="4 2"/>` : '',
    `<text x="4" y="${PAD + 4}" font-size="10" fill="#0969da">100%</text>`,
    `<text x="4" y="${H - PAD}" font-size="10" fill="#0969da">0%</text>`,
    `<text x="${W - PAD + 2}" y="${PAD + 4}" font-size="10" fill="#cf222e">${(maxRate * 100).toFixed(1)}%</text>`,
    `<text x="${PAD}" y="${H - 8}" font-size="10" fill="#57606a">0s</text>`,
    `<text x="${W - PAD - 20}" y="${H - 8}" font-size="10" fill="#57606a">${seconds}s</text>`,
    `<text x="${PAD + 4}" y="${PAD - 8}" font-size="11" fill="#0969da">weight</text>`,
    `<text x="${PAD + 60}" y="${PAD - 8}" font-size="11" fill="#cf222e">error rate</text>`,
    '</svg>',
  ]
    .filter(Boolean)
    .join('');
}
