import type { Command } from 'commander';
import { ExitCode } from '@eds/core/errors';
import { describeLock, summarize, type DeploymentSummary } from '@eds/core/records';
import type { Handler } from '../main.js';
import { describeSummary } from '../output.js';

export function registerStatus(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('status')
    .description('show a deployment (by id) or the latest one of an environment, and who holds its lock')
    .argument('[id]', 'deployment id')
    .option('--env <env>', 'environment (latest deployment there)')
    .option('--expect <status>', 'exit 1 unless the deployment has this status (e.g. COMPLETED)')
    .action(
      wrap(async (ctx, id, opts) => {
        const { env, expect } = opts as { env?: string; expect?: string };
        const store = ctx.store;
        let summary: DeploymentSummary | null = null;
        let application: string;
        let environment: string | undefined = env;
        if (typeof id === 'string') {
          const record = await store.require(id);
          summary = summarize(record);
          application = record.application;
          environment = record.deployment.environment;
        } else {
          application = await ctx.application();
          if (!environment) {
            const envs = await store.environments(application);
            const latest = await Promise.all(envs.map((e) => store.latest(application, e)));
            const summaries = latest.filter((r) => r !== undefined).map((r) => summarize(r));
            ctx.output.result({ application, environments: summaries, exitCode: 0 }, () =>
              summaries.length
                ? summaries.map(describeSummary).join('\n\n')
                : `no deployments of ${application} yet`,
            );
            return ExitCode.Success;
          }
          const record = await store.latest(application, environment);
          summary = record ? summarize(record) : null;
        }
        const lock = environment ? await store.getLock(application, environment) : undefined;
        const lockText = lock ? describeLock(lock) : 'free';
        const unexpected = expect !== undefined && expect !== '' && summary?.status !== expect.toUpperCase();
        if (unexpected)
          ctx.output.log(
            `expected status ${expect.toUpperCase()}, found ${summary?.status ?? 'no deployment'}`,
          );
        ctx.output.result(
          summary
            ? { ...summary, lock: lock ?? null, ...(unexpected ? { exitCode: 1 } : {}) }
            : {
                id: null,
                application,
                environment,
                status: null,
                phase: null,
                components: [],
                lock: lock ?? null,
                exitCode: 0,
              },
          () =>
            `${summary ? describeSummary(summary) : `no deployments of ${application} to ${environment ?? '?'} yet`}\nlock        ${lockText}`,
        );
        return unexpected ? ExitCode.DeploymentFailed : ExitCode.Success;
      }),
    );
}
