import type { Command } from 'commander';
import { ExitCode, ValidationError } from '@eds/core/errors';
import { summarize } from '@eds/core/records';
import type { Handler } from '../main.js';
import { table } from '../output.js';

export function registerHistory(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('history')
    .description('list the deployments of an environment, newest first')
    .requiredOption('--env <env>', 'environment')
    .option('--limit <n>', 'how many', '20')
    .action(
      wrap(async (ctx, opts) => {
        const { env, limit } = opts as { env: string; limit: string };
        const count = Number(limit);
        if (!Number.isInteger(count) || count < 1) {
          throw new ValidationError(`--limit must be a positive whole number, got "${limit}"`, {
            path: '--limit',
            expected: 'an integer ≥ 1',
          });
        }
        const application = await ctx.application();
        const { records, problems } = await ctx.store.list({ application, environment: env, limit: count });
        for (const problem of problems) ctx.output.log(`warning: ${problem.describe()}`);
        const summaries = records.map(summarize);
        ctx.output.result(
          {
            application,
            environment: env,
            deployments: summaries,
            problems: problems.map((p) => p.toJSON()),
            exitCode: 0,
          },
          () =>
            summaries.length
              ? table(
                  ['ID', 'STATUS', 'PHASE', 'STRATEGY', 'VERSIONS', 'CREATED', 'BY'],
                  summaries.map((s) => [
                    s.id,
                    s.status,
                    s.phase,
                    s.strategy,
                    s.components.map((c) => `${c.name}@${c.version}`).join(' '),
                    s.createdAt,
                    s.createdBy,
                  ]),
                )
              : `no deployments of ${application} to ${env} yet`,
        );
        return ExitCode.Success;
      }),
    );
}
