import type { Command } from 'commander';
import { ExitCode, ValidationError } from '@eds/core/errors';
import type { Handler } from '../main.js';
import { table } from '../output.js';
import { finish } from './deploy.js';

function version(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`${flag} ${value}: expected a version number ≥ 1`, { path: flag });
  return n;
}

export function registerConfig(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  const config = program
    .command('config')
    .description('versions of the rendered configuration of an environment');
  config
    .command('history')
    .description('list configuration versions, newest first')
    .requiredOption('--env <env>', 'environment')
    .action(
      wrap(async (ctx, opts) => {
        const { env } = opts as { env: string };
        const application = await ctx.application();
        const versions = await ctx.service().configHistory(application, env);
        ctx.output.result({ application, environment: env, versions, exitCode: 0 }, () =>
          versions.length
            ? table(
                ['VERSION', 'HASH', 'CREATED', 'BY'],
                versions.map((v) => [String(v.version), v.hash.slice(0, 19), v.createdAt, v.createdBy]),
              )
            : `no configuration versions of ${application} in ${env} yet`,
        );
        return ExitCode.Success;
      }),
    );
  config
    .command('diff')
    .description('unified diff of two configuration versions (secrets masked; default: the last two)')
    .requiredOption('--env <env>', 'environment')
    .option('--from <version>', 'older version')
    .option('--to <version>', 'newer version')
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as { env: string; from?: string; to?: string };
        const application = await ctx.application();
        const diff = await ctx
          .service()
          .configDiff(application, o.env, version(o.from, '--from'), version(o.to, '--to'));
        ctx.output.result(
          { application, environment: o.env, ...diff, exitCode: 0 },
          () => diff.text.trimEnd() || '(no changes)',
        );
        return ExitCode.Success;
      }),
    );
  config
    .command('rollback')
    .description('deploy a previous configuration version through the normal pipeline')
    .requiredOption('--env <env>', 'environment')
    .requiredOption('--to <version>', 'configuration version')
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as { env: string; to: string };
        const record = await ctx.service().configRollback(ctx.spec, o.env, version(o.to, '--to') as number);
        return finish(ctx, record, opts);
      }),
    );
}
