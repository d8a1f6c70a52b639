import { summarize, type DeploymentRecord, type security } from '@eds/core';
import { canaryChartSvg, canarySeries } from './chart.js';
import { code, table } from './markdown.js';

const ICON: Record<string, string> = {
  COMPLETED: '✅',
  PAUSED: '⏸️',
  RUNNING: '🔄',
  PENDING: '🕓',
  ROLLED_BACK: '↩️',
  ABORTED: '⛔',
  FAILED: '❌',
};

function duration(from: string | null, to: string | null): string {
  if (!from || !to) return '-';
  const ms = Date.parse(to) - Date.parse(from);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The job summary of a deployment action: the result, components, the step timeline, analysis verdicts, the
 * security check and a chart of the canary. Built from the record only (no secrets are ever in it).
 */
export function deploymentSummary(action: string, record: DeploymentRecord): string {
  const s = summarize(record);
  const out: string[] = [];
  out.push(`## ${ICON[s.phase] ?? ''} EDS ${action}: ${s.application} → ${s.environment}`.replace('  ', ' '));
  out.push(
    table(
      ['Deployment', 'Status', 'Phase', 'Strategy', 'Step', 'Created by', 'Exit code'],
      [
        [
          code(s.id),
          s.status,
          s.phase + (s.pauseReason ? ` (${s.pauseReason})` : ''),
          s.strategy,
          s.currentStep,
          s.createdBy,
          s.exitCode,
        ],
      ],
    ),
  );
  if (s.reason) out.push(`**Reason:** ${s.reason}`);
  if (s.phase === 'PAUSED') {
    out.push(
      s.pauseReason === 'approval'
        ? `Waiting for approval: run the \`approve\` action with \`deployment-id: ${s.id}\`.`
        : `Paused: run the \`promote\` action with \`deployment-id: ${s.id}\` to continue, or \`abort\` to roll back.`,
    );
  }
  out.push(
    table(
      ['Component', 'Version', 'Status', 'Stable', 'Traffic', 'Endpoint'],
      s.components.map((c) => [
        c.name,
        c.version,
        c.status,
        c.stableVersion,
        Object.entries(c.weights)
          .map(([v, w]) => `${v}: ${w}%`)
          .join(', '),
        s.endpoints[c.name],
      ]),
    ),
  );

  const steps = record.pipeline.stages.flatMap((stage) =>
    stage.steps.map((step) => ({ stage: stage.name, step })),
  );
  if (steps.length) {
    out.push('### Steps');
    out.push(
      table(
        ['Stage', 'Step', 'Status', 'Started', 'Took'],
        steps.map(({ stage, step }) => [
          stage,
          step.name,
          step.status,
          step.startedAt,
          duration(step.startedAt, step.completedAt),
        ]),
      ),
    );
  }

  if (record.progress.analysis.length) {
    out.push('### Analysis');
    out.push(
      table(
        ['Step', 'Verdict', 'Measurements', 'Message'],
        record.progress.analysis.map((run) => {
          const counts = new Map<string, number>();
          for (const m of run.measurements) counts.set(m.phase, (counts.get(m.phase) ?? 0) + 1);
          return [
            run.step,
            run.phase,
            [...counts].map(([phase, n]) => `${n} ${phase}`).join(', ') || 'none',
            run.message ?? run.measurements.at(-1)?.message,
          ];
        }),
      ),
    );
  }

  const audit = record.reports.security as security.SecurityAuditSummary | undefined;
  if (audit?.decision) {
    out.push('### Security');
    out.push(securityLine(audit));
    if (audit.decision.blocking.length) {
      out.push(
        table(
          ['Severity', 'Rule', 'Resource', 'Where'],
          audit.decision.blocking.map((b) => [
            b.severity,
            b.ruleId,
            b.resource,
            `${b.file}${b.line ? `:${b.line}` : ''}`,
          ]),
        ),
      );
    }
  }

  const svg = record.deployment.strategy === 'CANARY' ? canaryChartSvg(canarySeries(record)) : undefined;
  if (svg) out.push('### Canary', svg);
  return `${out.join('\n\n')}\n`;
}

export function securityLine(audit: security.SecurityAuditSummary): string {
  const counts = Object.entries(audit.countsBySeverity)
    .map(([severity, n]) => `${n} ${severity}`)
    .join(', ');
  return `${audit.decision.blocked ? '🚫 **blocked**' : '✅ passed'} — ${counts}; threshold ${audit.decision.threshold} (${audit.tier}), ${audit.exemptedCount} exempted`;
}
