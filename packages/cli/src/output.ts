import type { EdsError } from '@eds/core/errors';
import { redact } from '@eds/core/secrets';
import type { DeploymentSummary } from '@eds/core/records';
import { StepProgress } from './progress.js';

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

/** stdout carries results (exactly one JSON object with --json); stderr carries logs and errors. */
export class Output {
  readonly #progress: StepProgress;

  constructor(readonly options: OutputOptions) {
    this.#progress = new StepProgress(
      (text) => process.stderr.write(text),
      Boolean(process.stderr.isTTY) && !options.json,
    );
  }

  result(json: unknown, text: () => string): void {
    if (this.options.json) process.stdout.write(`${redact(JSON.stringify(json, null, 2))}\n`);
    else process.stdout.write(`${redact(text())}\n`);
  }

  log(line: string): void {
    this.#progress.line(redact(line));
  }

  error(error: EdsError, debug: boolean): void {
    if (this.options.json) {
      process.stdout.write(
        `${redact(JSON.stringify({ error: error.toJSON(), exitCode: error.exitCode }, null, 2))}\n`,
      );
    }
    const label = this.options.color ? '\u001b[31merror\u001b[0m' : 'error';
    process.stderr.write(`${label}: ${redact(error.describe())}\n`);
    const problems = error.details.problems;
    if (Array.isArray(problems) && problems.length > 1) {
      for (const p of problems.slice(1, 10) as { path: string; message: string; line?: number }[]) {
        process.stderr.write(
          `  also: ${p.line !== undefined ? `line ${p.line}: ` : ''}${p.path}: ${redact(p.message)}\n`,
        );
      }
    }
    if (debug && error.stack) process.stderr.write(`${redact(error.stack)}\n`);
    if (debug && error.cause instanceof Error && error.cause.stack)
      process.stderr.write(`caused by: ${redact(error.cause.stack)}\n`);
  }
}

/** Fixed-width columns, for humans. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function describeSummary(s: DeploymentSummary): string {
  const lines = [
    `deployment  ${s.id}`,
    `status      ${s.status} (${s.phase}${s.pauseReason ? `: ${s.pauseReason}` : ''})`,
    `strategy    ${s.strategy}${s.currentStep ? `, at step ${s.currentStep}` : ''}`,
    `created     ${s.createdAt} by ${s.createdBy}`,
  ];
  if (s.reason) lines.push(`reason      ${s.reason}`);
  lines.push(
    table(
      ['COMPONENT', 'VERSION', 'STATUS', 'STABLE', 'WEIGHTS', 'ENDPOINT'],
      s.components.map((c) => [
        c.name,
        c.version,
        c.status,
        c.stableVersion ?? '-',
        Object.entries(c.weights)
          .map(([v, w]) => `${v}=${w}%`)
          .join(' ') || '-',
        s.endpoints[c.name] ?? '-',
      ]),
    ),
  );
  return lines.join('\n');
}
