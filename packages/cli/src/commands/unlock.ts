import type { Command } from 'commander';
import { ExitCode, ValidationError } from '@eds/core/errors';
import { describeLock } from '@eds/core/records';
import type { Handler } from '../main.js';

export function registerUnlock(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('unlock')
    .description('break an environment lock (recorded with who did it)')
    .requiredOption('--env <env>', 'environment')
    .option('--force', 'required: breaking a lock can let two deployments collide', false)
    .option('--by <user>', 'who breaks it (default: the current user)')
    .action(
      wrap(async (ctx, opts) => {
        const { env, force, by } = opts as { env: string; force: boolean; by?: string };
        if (!force) {
          throw new ValidationError('unlock needs --force: the holder may still be running', {
            path: '--force',
            expected: '--force',
          });
        }
        const application = await ctx.application();
        const broken = await ctx.store.forceUnlock(application, env, ctx.actor(by));
        ctx.output.result({ application, environment: env, broken: broken ?? null, exitCode: 0 }, () =>
          broken ? `unlocked ${env}: it was ${describeLock(broken)}` : `${env} was not locked`,
        );
        return ExitCode.Success;
      }),
    );
}
