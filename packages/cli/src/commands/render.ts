import type { Command } from 'commander';
import { ExitCode, ValidationError } from '@eds/core/errors';
import type { Handler } from '../main.js';
import { collect, parsePairs } from './deploy.js';

export function registerRender(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  program
    .command('render')
    .description(
      'render the environment: Kubernetes manifests (default) or, with --config, the configuration values',
    )
    .requiredOption('--env <env>', 'environment')
    .option('-o, --output <dir>', 'write one file per document into this directory')
    .option('--format <format>', 'yaml | json', 'yaml')
    .option('--set <key=value>', 'configuration value (repeatable)', collect, [])
    .option('--config', 'print the rendered configuration (secrets masked) instead of manifests', false)
    .option('--include-secrets', 'put secret values into Secret manifests (only with -o)', false)
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as {
          env: string;
          output?: string;
          format: string;
          set: string[];
          config: boolean;
          includeSecrets: boolean;
        };
        if (o.format !== 'yaml' && o.format !== 'json') {
          throw new ValidationError(`--format ${o.format}: expected yaml or json`, {
            path: '--format',
            expected: 'yaml | json',
          });
        }
        if (o.includeSecrets && !o.output) {
          throw new ValidationError('--include-secrets writes secret values: use it only with -o DIR', {
            path: '--include-secrets',
          });
        }
        const rendered = await ctx.service().render({
          loaded: ctx.spec,
          environment: o.env,
          set: parsePairs(o.set, '--set'),
          format: o.format,
          includeSecrets: o.includeSecrets,
          ...(o.output ? { outDir: o.output } : {}),
        });
        ctx.output.result(
          { environment: o.env, hash: rendered.hash, files: rendered.files, exitCode: 0 },
          () =>
            o.config
              ? rendered.configText
              : o.output
                ? `wrote ${rendered.files.length} file(s) to ${o.output}`
                : rendered.text.trimEnd(),
        );
        return ExitCode.Success;
      }),
    );
}
