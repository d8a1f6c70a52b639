import type { MirroredSummary } from './summary.js';

/** EDS states worth telling reviewers about; RUNNING and PENDING pass within one job. */
const NOTEWORTHY = new Set(['PAUSED', 'COMPLETED', 'ROLLED_BACK', 'ABORTED', 'FAILED']);

export function noteStateOf(summary: MirroredSummary): string | undefined {
  if (!NOTEWORTHY.has(summary.phase)) return undefined;
  return summary.phase === 'PAUSED' ? `PAUSED:${summary.pauseReason ?? 'manual'}` : summary.phase;
}

function headline(summary: MirroredSummary): string {
  switch (summary.phase) {
    case 'PAUSED':
      return summary.pauseReason === 'approval'
        ? 'waiting for approval (blocked): run the approve job, or abort'
        : 'paused at a manual step: run the promote job to continue, or abort';
    case 'COMPLETED':
      return 'completed';
    case 'ROLLED_BACK':
      return 'failed and was rolled back';
    case 'ABORTED':
      return 'aborted; traffic is back on the stable version';
    default:
      return `${summary.status.toLowerCase()} (${summary.phase.toLowerCase()})`;
  }
}

/** A short Markdown note: what went where, how far, and where to look. */
export function mergeRequestNote(summary: MirroredSummary, jobUrl: string | undefined): string {
  const versions = summary.components
    .map((c) => {
      const weight = c.weights[c.version];
      const share = weight !== undefined && weight < 100 ? ` at ${weight}%` : '';
      return `\`${c.name}\` ${c.version}${share}${c.stableVersion && c.stableVersion !== c.version ? ` (stable ${c.stableVersion})` : ''}`;
    })
    .join(', ');
  const lines = [
    `**EDS** \`${summary.application}\` → **${summary.environment}**: ${headline(summary)}.`,
    '',
    `- deployment \`${summary.id}\`: ${versions || 'no components'}`,
  ];
  if (summary.reason) lines.push(`- reason: ${summary.reason.slice(0, 300)}`);
  if (jobUrl) lines.push(`- job: ${jobUrl}`);
  return lines.join('\n');
}
