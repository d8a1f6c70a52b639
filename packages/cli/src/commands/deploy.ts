import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ValidationError, type ExitCodeValue } from '@eds/core/errors';
import { durationToMs } from '@eds/core/model';
import { summarize, type DeploymentRecord } from '@eds/core/records';
import type { CommandContext } from '../context.js';
import type { Handler } from '../main.js';
import { describeSummary } from '../output.js';

type Wrap = (h: Handler) => (...args: unknown[]) => Promise<void>;

export function collect(value: string, previous: string[]): string[] {
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

/**
 * Print the result, write the dotenv file CI systems pass on (GitLab `artifacts:reports:dotenv`), and map the
 * result to the exit code every front end uses.
 */
export async function finish(
  ctx: CommandContext,
  record: DeploymentRecord,
  opts: unknown,
  exitOverride?: ExitCodeValue,
): Promise<ExitCodeValue> {
  const summary = summarize(record);
  const exitCode = exitOverride ?? summary.exitCode;
  const dotenv = (opts as { dotenv?: string } | undefined)?.dotenv;
  if (dotenv) {
    const lines = {
      EDS_DEPLOYMENT_ID: summary.id,
      EDS_STATUS: summary.status,
      EDS_PHASE: summary.phase,
      EDS_ENVIRONMENT: summary.environment,
      EDS_ENVIRONMENT_URL: Object.values(summary.endpoints)[0] ?? '',
      EDS_EXIT_CODE: String(exitCode),
    };
    writeFileSync(
      dotenv,
      `${Object.entries(lines)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
  }
  ctx.output.result({ ...summary, exitCode }, () => describeSummary(summary));
  if (ctx.options.mirror === 'gitlab') {
    // Loaded only when asked for; the mirror warns and never changes the result or the exit code.
    const { mirrorToGitLab } = await import('@eds/gitlab');
    await mirrorToGitLab(summary, ctx.env, { stateDir: ctx.stateDir, log: (line) => ctx.output.log(line) });
  }
  return exitCode;
}

const DOTENV = [
  '--dotenv <file>',
  'also write EDS_DEPLOYMENT_ID, EDS_STATUS, EDS_PHASE, … as KEY=VALUE lines',
] as const;

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
    .option('--vuln-report <file>', 'vulnerability report for the check step (repeatable)', collect, [])
    .option('--wait', 'block at pauses until promoted, approved or aborted', false)
    .option('--wait-lock <duration>', 'wait this long for a locked environment (e.g. 30s, 5m)')
    .option('--timeout <duration>', 'abort and roll back when still running or waiting after this long')
    .option(...DOTENV)
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as {
          env: string;
          setVersion: string[];
          set: string[];
          strategy?: string;
          vulnReport: string[];
          wait: boolean;
          waitLock?: string;
          timeout?: string;
        };
        let waitLockMs: number | undefined;
        if (o.waitLock !== undefined) {
          waitLockMs = durationToMs(o.waitLock);
          if (waitLockMs === undefined) {
            throw new ValidationError(`--wait-lock ${o.waitLock}: not a duration`, {
              path: '--wait-lock',
              expected: 'e.g. 30s, 5m',
            });
          }
        }
        const timeoutMs = o.timeout === undefined ? undefined : durationToMs(o.timeout);
        if (o.timeout !== undefined && timeoutMs === undefined) {
          throw new ValidationError(`--timeout ${o.timeout}: not a duration`, {
            path: '--timeout',
            expected: 'e.g. 10m, 1h',
          });
        }
        const record = await ctx.service(o.vulnReport).deploy({
          loaded: ctx.spec,
          environment: o.env,
          versions: parsePairs(o.setVersion, '--set-version'),
          set: parsePairs(o.set, '--set'),
          ...(o.strategy ? { strategy: o.strategy } : {}),
          wait: o.wait,
          ...(waitLockMs !== undefined ? { waitLockMs } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        });
        return finish(ctx, record, opts);
      }),
    );
}

export function registerLifecycle(program: Command, wrap: Wrap): void {
  program
    .command('resume')
    .description('continue a deployment from its record (after a killed process, or to re-check a pause)')
    .argument('<id>', 'deployment id')
    .option('--wait', 'block at pauses', false)
    .option(...DOTENV)
    .action(
      wrap(async (ctx, id, opts) =>
        finish(ctx, await ctx.service().resume(id as string, (opts as { wait: boolean }).wait), opts),
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
    .option(...DOTENV)
    .action(
      wrap(async (ctx, id, opts) => {
        const o = opts as { full: boolean; wait: boolean };
        return finish(ctx, await ctx.service().promote(id as string, { full: o.full, wait: o.wait }), opts);
      }),
    );

  program
    .command('abort')
    .description('send all traffic back to stable, remove the new version, mark the deployment CANCELLED')
    .argument('<id>', 'deployment id')
    .option(...DOTENV)
    .action(wrap(async (ctx, id, opts) => finish(ctx, await ctx.service().abort(id as string), opts, 0)));

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
      .option(...DOTENV)
      .action(
        wrap(async (ctx, id, opts) => {
          const o = opts as { by: string; comment?: string };
          const service = ctx.service();
          const record =
            decision === 'approve'
              ? await service.approve(id as string, o.by, o.comment)
              : await service.reject(id as string, o.by, o.comment);
          return finish(ctx, record, opts, decision === 'reject' ? 0 : undefined);
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
    .option(...DOTENV)
    .action(
      wrap(async (ctx, opts) => {
        const o = opts as { env: string; to?: string };
        return finish(ctx, await ctx.service().rollback(ctx.spec, o.env, o.to), opts);
      }),
    );
}
