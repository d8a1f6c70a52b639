import type { Command } from 'commander';
import { ExitCode } from '@eds/core/errors';
import type { Handler } from '../main.js';

export function registerStop(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('stop')
    .description(
      'tear an environment down: abort what is in progress, stop every running version (history is kept)',
    )
    .requiredOption('--env <env>', 'environment')
    .action(
      wrap(async (ctx, opts) => {
        const { env } = opts as { env: string };
        const { removed, record } = await ctx.service().stop(ctx.spec, env);
        ctx.output.result(
          { environment: env, removed, lastDeployment: record?.deployment.id ?? null, exitCode: 0 },
          () =>
            removed.length ? `stopped ${env}: removed ${removed.join(', ')}` : `${env} had nothing running`,
        );
        return ExitCode.Success;
      }),
    );
}
