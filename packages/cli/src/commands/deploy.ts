import type { Command } from 'commander';
import {
  Controller,
  durationToMs,
  openTarget,
  summarize,
  ValidationError,
  type AppSpec,
  type DeploymentRecord,
  type ExitCodeValue,
} from '@eds/core';
import type { CommandContext } from '../context.js';
import type { Handler } from '../main.js';
import { describeSummary } from '../output.js';

type Wrap = (h: Handler) => (...args: unknown[]) => Promise<void>;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `KEY=VALUE` pairs from repeated flags; a malformed one is a usage error naming the flag. */
export function parsePairs(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const index = value.indexOf('=');
    if (index <= 0)
      throw new ValidationError(`${flag} ${value}: expected KEY=VALUE`, {
        path: flag,
        expected: 'KEY=VALUE',
      });
    out[value.slice(0, index).trim()] = value.slice(index + 1);
  }
  return out;
}

export function controllerFor(ctx: CommandContext): Controller {
  return new Controller({
    store: ctx.store,
    actor: ctx.actor(),
    log: (line) => ctx.output.log(line),
    openTarget: (app: AppSpec, environment: string) => {
      const env = app.environments[environment];
      if (!env) throw new ValidationError(`environment ${environment} is not in the deployment's spec`);
      const routerPorts = Object.fromEntries(
        app.components
          .filter((c) => c.port !== undefined && c.port > 0)
          .map((c) => [c.name, c.port as number]),
      );
      return openTarget(env.target, { stateDir: ctx.stateDir, env: ctx.env, routerPorts });
    },
  });
}

/** Print the result and map it to the exit code every front end uses. */
export function finish(
  ctx: CommandContext,
  record: DeploymentRecord,
  exitOverride?: ExitCodeValue,
): ExitCodeValue {
  const summary = summarize(record);
  const exitCode = exitOverride ?? summary.exitCode;
  ctx.output.result({ ...summary, exitCode }, () => describeSummary(summary));
  return exitCode;
}

export function registerDeploy(program: Command, wrap: Wrap): void {
  program
    .command('deploy')
    .description(
      'deploy the application to an environment with its strategy (exits 0 when paused at a manual step)',
    )
    .requiredOption('--env <env>', 'environment')
    .option('--set-version <component=version>', 'version of a component (repeatable)', collect, [])
    .option('--set <key=value>', 'configuration value (repeatable)', collect, [])
    .option('--strategy <type>', 'override the strategy: ROLLING | BLUE_GREEN | CANARY')
    .option('--wait', 'block at pauses until promoted, approved or aborted', false)
    .option('--wait-lock <duration>', 'wait this long for a locked environment (e.g. 30s, 5m)')
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as {
          env: string;
          setVersion: string[];
          set: string[];
          strategy?: string;
          wait: boolean;
          waitLock?: string;
        };
        let waitLockMs: number | undefined;
        if (o.waitLock !== undefined) {
          waitLockMs = durationToMs(o.waitLock);
          if (waitLockMs === undefined)
            throw new ValidationError(`--wait-lock ${o.waitLock}: not a duration`, {
              path: '--wait-lock',
              expected: 'e.g. 30s, 5m',
            });
        }
        const record = await controllerFor(ctx).deploy({
          loaded: ctx.spec,
          environment: o.env,
          versions: parsePairs(o.setVersion, '--set-version'),
          set: parsePairs(o.set, '--set'),
          ...(o.strategy ? { strategy: o.strategy.toUpperCase() } : {}),
          wait: o.wait,
          ...(waitLockMs !== undefined ? { waitLockMs } : {}),
        });
        return finish(ctx, record);
      }),
    );
}

export function registerLifecycle(program: Command, wrap: Wrap): void {
  program
    .command('resume')
    .description('continue a deployment from its record (after a killed process, or to re-check a pause)')
    .argument('<id>', 'deployment id')
    .option('--wait', 'block at pauses', false)
    .action(
      wrap(async (ctx, id, opts) =>
        finish(
          ctx,
          await controllerFor(ctx).resume(id as string, { wait: (opts as { wait: boolean }).wait }),
        ),
      ),
    );

  program
    .command('promote')
    .description(
      'continue a paused deployment past its pause (--full: skip all remaining steps and analysis)',
    )
    .argument('<id>', 'deployment id')
    .option('--full', 'promote to 100% now', false)
    .option('--wait', 'block at later pauses', false)
    .action(
      wrap(async (ctx, id, opts) => {
        const o = opts as { full: boolean; wait: boolean };
        return finish(ctx, await controllerFor(ctx).promote(id as string, { full: o.full, wait: o.wait }));
      }),
    );

  program
    .command('abort')
    .description('send all traffic back to stable, remove the new version, mark the deployment CANCELLED')
    .argument('<id>', 'deployment id')
    .action(wrap(async (ctx, id) => finish(ctx, await controllerFor(ctx).abort(id as string), 0)));

  for (const decision of ['approve', 'reject'] as const) {
    program
      .command(decision)
      .description(
        decision === 'approve'
          ? 'approve a deployment waiting at its approval gate (continues it)'
          : 'reject a deployment at its approval gate (cancels it)',
      )
      .argument('<id>', 'deployment id')
      .requiredOption('--by <user>', 'the approver')
      .option('--comment <text>', 'why')
      .action(
        wrap(async (ctx, id, opts) => {
          const o = opts as { by: string; comment?: string };
          const record = await controllerFor(ctx).approve(
            id as string,
            o.by,
            decision === 'approve' ? 'approved' : 'rejected',
            o.comment,
          );
          return finish(ctx, record, decision === 'reject' ? 0 : undefined);
        }),
      );
  }

  program
    .command('rollback')
    .description(
      'deploy the previous COMPLETED versions again (or those of --to ID), skipping steps and analysis',
    )
    .requiredOption('--env <env>', 'environment')
    .option('--to <id>', 'a COMPLETED deployment to go back to')
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as { env: string; to?: string };
        return finish(ctx, await controllerFor(ctx).rollback(ctx.spec, o.env, o.to));
      }),
    );
}
