import { redact } from '../secrets/index.js';
import { evaluateCondition, hasTimeUnit, isRelative, printComparison } from './condition.js';
import { formatValue } from './format.js';
import type { Measurement, MeasurementPhase } from './measurement.js';
import type {
  MeasureRequest,
  MetricProvider,
  PreparedMetric,
  ProviderReading,
} from './providers/provider.js';

function errorText(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}

export type MeasurementDraft = Omit<Measurement, 'index' | 'at'>;

/**
 * Take one measurement of one metric: read the canary (and the stable version when the condition is relative
 * or `compareWith: stable`), then apply the condition. Returns undefined when the signal aborted meanwhile, so
 * an interrupted reading is never recorded as a provider error.
 */
export async function measureMetric(
  metric: PreparedMetric,
  provider: MetricProvider,
  base: Omit<MeasureRequest, 'version' | 'role'>,
): Promise<MeasurementDraft | undefined> {
  const relative = metric.condition !== undefined && isRelative(metric.condition);
  const wantStable = relative || metric.spec.compareWith === 'stable';
  const stableVersion = base.stableVersion;
  const [canary, stable] = await Promise.allSettled([
    provider.measure(metric, { ...base, version: base.canaryVersion, role: 'canary' }),
    wantStable && stableVersion !== undefined
      ? provider.measure(metric, { ...base, version: stableVersion, role: 'stable' })
      : Promise.resolve(undefined),
  ]);
  if (base.signal.aborted) return undefined;

  const name = metric.name;
  const draft = (
    phase: MeasurementPhase,
    message: string,
    value?: number,
    stableValue?: number,
  ): MeasurementDraft => ({
    metric: name,
    phase,
    message: redact(message),
    ...(value === undefined ? {} : { value }),
    ...(stableValue === undefined ? {} : { stableValue }),
  });

  if (canary.status === 'rejected') return draft('Error', `${name}: ${errorText(canary.reason)}`);
  const reading: ProviderReading = canary.value;
  if (reading.kind === 'inconclusive')
    return draft('Inconclusive', `${name} inconclusive: ${reading.reason}`);
  if (reading.kind === 'verdict') {
    return draft(
      reading.passed ? 'Successful' : 'Failed',
      `${name} ${reading.passed ? 'passed' : 'failed'}: ${reading.note}`,
    );
  }

  // The stable side: only a relative condition depends on it; for `compareWith: stable` it is informative.
  let stableValue: number | undefined;
  let stableNote: string | undefined;
  if (wantStable) {
    if (stableVersion === undefined) stableNote = 'no stable version to compare with';
    else if (stable.status === 'rejected') {
      if (relative)
        return draft('Error', `${name}: stable ${stableVersion}: ${errorText(stable.reason)}`, reading.value);
      stableNote = `stable not measured: ${errorText(stable.reason)}`;
    } else if (stable.value?.kind === 'value') stableValue = stable.value.value;
    else if (stable.value?.kind === 'inconclusive') stableNote = `stable: ${stable.value.reason}`;
    else stableNote = 'stable gave no number';
  }

  const condition = metric.condition;
  const unit = condition !== undefined && hasTimeUnit(condition) ? 'ms' : '';
  const value = formatValue(reading.value, unit);
  const details = [
    stableValue === undefined ? stableNote : `stable ${formatValue(stableValue, unit)}`,
    reading.note,
  ].filter((d): d is string => d !== undefined);
  if (condition === undefined) {
    return draft(
      'Successful',
      `${name} ${value}${details.length ? ` (${details.join('; ')})` : ''}`,
      reading.value,
      stableValue,
    );
  }
  const result = evaluateCondition(condition, reading.value, stableValue);
  if (relative && result.threshold !== undefined)
    details.unshift(`threshold ${formatValue(result.threshold, unit)}`);
  const suffix = details.length ? ` (${details.join('; ')})` : '';
  const comparison = printComparison(condition);
  switch (result.outcome) {
    case 'pass':
      return draft(
        'Successful',
        `${name} ${value} passed ${comparison}${suffix}`,
        reading.value,
        stableValue,
      );
    case 'fail':
      return draft('Failed', `${name} ${value} failed ${comparison}${suffix}`, reading.value, stableValue);
    case 'inconclusive':
      return draft(
        'Inconclusive',
        `${name} ${value} inconclusive for ${comparison}: ${result.reason ?? 'no data'}${suffix}`,
        reading.value,
        stableValue,
      );
  }
}
