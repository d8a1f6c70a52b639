import type { Command } from 'commander';
import { ExitCode } from '@eds/core/errors';
import { formatPath } from '@eds/core/model';
import { core } from '../core.js';
import type { Handler } from '../main.js';
import { table } from '../output.js';
import { collect } from './deploy.js';

export function registerCheck(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('check')
    .description('run the security policy and vulnerability gate for an environment; exit 3 when it blocks')
    .requiredOption('--env <env>', 'environment')
    .option('--vuln-report <file>', 'Trivy JSON, Grype JSON or SARIF report (repeatable)', collect, [])
    .option('--sarif <file>', 'write SARIF 2.1.0 (GitHub code scanning)')
    .option('--junit <file>', 'write JUnit XML (GitLab, Jenkins)')
    .option('--markdown <file>', 'write a Markdown compliance report')
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as {
          env: string;
          vulnReport: string[];
          sarif?: string;
          junit?: string;
          markdown?: string;
        };
        const { result, written } = await ctx.service().check(ctx.spec, o.env, o.vulnReport, {
          ...(o.sarif ? { sarif: o.sarif } : {}),
          ...(o.junit ? { junit: o.junit } : {}),
          ...(o.markdown ? { markdown: o.markdown } : {}),
        });
        const summary = core().security.toAuditSummary(result);
        const blocked = result.decision.blocked;
        const exitCode = blocked ? ExitCode.BlockedByPolicy : ExitCode.Success;
        const blocking = result.decision.blocking.map((f) => ({
          rule: f.ruleId,
          severity: f.severity,
          message: f.message,
          file: f.location.file,
          line: f.location.line ?? null,
          path: f.location.path ? formatPath(f.location.path) : null,
          remediation: f.remediation,
        }));
        ctx.output.result(
          { ...summary, environment: o.env, blocked, blocking, reports: written, exitCode },
          () => {
            const lines = [
              `security check of ${o.env}: ${blocked ? 'BLOCKED' : 'passed'} — ${result.findings.length} finding(s), threshold ${result.decision.threshold}`,
            ];
            if (blocking.length) {
              lines.push(
                table(
                  ['SEVERITY', 'RULE', 'WHERE', 'MESSAGE'],
                  blocking.map((b) => [
                    b.severity,
                    b.rule,
                    `${b.file}${b.line ? `:${b.line}` : ''} ${b.path}`,
                    b.message,
                  ]),
                ),
              );
              for (const b of blocking) lines.push(`  fix ${b.rule}: ${b.remediation}`);
            }
            if (written.length) lines.push(`reports: ${written.join(', ')}`);
            return lines.join('\n');
          },
        );
        return exitCode;
      }),
    );
}
