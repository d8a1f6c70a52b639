import type { Command } from 'commander';
import { ExitCode } from '@eds/core/errors';
import { environmentOf } from '@eds/core/model';
import type { Handler } from '../main.js';

export function registerValidate(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('validate')
    .description('check eds.yaml (and an environment) without changing anything')
    .option('--env <env>', 'also check that this environment exists')
    .action(
      wrap(async (ctx, opts) => {
        const { env } = opts as { env?: string };
        const { spec, file } = ctx.spec;
        if (env) environmentOf(spec, env, file);
        const environments = Object.entries(spec.environments).map(([name, e]) => ({
          name,
          tier: e.tier,
          strategy: e.strategy.type,
        }));
        ctx.output.result(
          {
            valid: true,
            file,
            application: spec.name,
            components: spec.components.map((c) => `${c.name}@${c.version}`),
            environments,
            exitCode: 0,
          },
          () =>
            `${file}: valid — ${spec.name}, ${spec.components.length} component(s), environments: ${environments
              .map((e) => `${e.name} (${e.tier}, ${e.strategy})`)
              .join(', ')}`,
        );
        return ExitCode.Success;
      }),
    );
}
