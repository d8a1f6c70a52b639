import path from 'node:path';
import { componentImage } from '../../config/index.js';
import { DeploymentFailedError } from '../../errors/index.js';
import type { StepKind } from '../../pipeline/index.js';
import type { HealthCheckSpec, Target } from '../../targets/index.js';
import type { DeploymentSession } from '../session.js';
import { field, isNumber, isString, optional, sleep } from './with.js';

/** Start (or converge) N instances of a version and wait until they are healthy, or fail with the reason. */
export async function ensureVersion(
  session: DeploymentSession,
  request: { component: string; version: string; instances: number; deadlineMs: number },
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<number> {
  const { component, version, instances } = request;
  const spec = session.component(component);
  if (!spec.run && !spec.image) {
    throw new DeploymentFailedError(
      `component ${component} has neither \`run\` (hosts) nor \`image\` (clusters)`,
    );
  }
  const health: HealthCheckSpec = {
    ...(spec.health?.http !== undefined ? { http: spec.health.http } : {}),
    ...(spec.health?.tcp !== undefined ? { tcp: spec.health.tcp } : {}),
    ...(spec.health?.command !== undefined ? { command: spec.health.command } : {}),
    intervalMs: spec.health?.interval ?? 1000,
    timeoutMs: spec.health?.timeout ?? 1000,
    healthyThreshold: spec.health?.healthyThreshold ?? 1,
    unhealthyThreshold: spec.health?.unhealthyThreshold ?? 3,
  };
  const { target } = session.deps;
  await target.deploy({
    component,
    version,
    instances,
    ...(spec.run
      ? {
          run: {
            command: spec.run.command,
            cwd: path.resolve(session.baseDir, spec.run.cwd ?? '.'),
            ...(spec.run.port !== undefined ? { port: spec.run.port } : {}),
          },
        }
      : {}),
    // The tag follows the version when the spec's tag is the spec's version (as the renderer does).
    ...(spec.image ? { image: componentImage(spec.image, spec.version, version, undefined) } : {}),
    health,
    env: { ...(spec.env ?? {}), ...session.deps.instanceEnv, VERSION: version },
  });
  log(`${component}@${version}: ${instances} instance(s) requested on ${target.description}`);
  const traffic = await target.router.getState(component);
  if (traffic && session.record.progress.endpoints[component] !== traffic.endpoint) {
    await session.mutate((record) => {
      record.progress.endpoints[component] = traffic.endpoint;
    });
  }
  return waitUntilHealthy(target, request, signal, log);
}

/** Poll the target until `instances` of the version are healthy, or fail with the instances' reasons. */
export async function waitUntilHealthy(
  target: Target,
  request: { component: string; version: string; instances: number; deadlineMs: number },
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<number> {
  const { component, version, instances, deadlineMs } = request;
  const started = Date.now();
  for (;;) {
    const status = await target.health(component, version);
    const healthy = status?.healthy ?? 0;
    if (healthy >= instances) {
      log(`${component}@${version}: ${healthy}/${instances} healthy`);
      return healthy;
    }
    if (Date.now() - started > deadlineMs) {
      const reasons = [...new Set((status?.instances ?? []).map((i) => i.lastError).filter(Boolean))].join(
        '; ',
      );
      throw new DeploymentFailedError(
        `${component}@${version}: ${healthy}/${instances} instances healthy after the ${deadlineMs / 1000}s progress deadline${reasons ? ` (${reasons})` : ''}`,
        { code: 'PROGRESS_DEADLINE_EXCEEDED' },
      );
    }
    await sleep(100, signal);
  }
}

/** Ensure N instances of a version run and are healthy within the progress deadline. Idempotent. */
export function deployVersionKind(session: DeploymentSession): StepKind {
  return {
    name: 'deploy-version',
    idempotent: true,
    async run(ctx) {
      const healthy = await ensureVersion(
        session,
        {
          component: field(ctx.with, 'component', isString),
          version: field(ctx.with, 'version', isString),
          instances: field(ctx.with, 'instances', isNumber),
          deadlineMs: optional(ctx.with, 'progressDeadline', isNumber) ?? 60_000,
        },
        ctx.signal,
        (line) => ctx.log(line),
      );
      return { status: 'completed', outputs: { healthy } };
    },
  };
}

/** Change the instance count of a version; 0 removes it (draining). */
export function scaleVersionKind(session: DeploymentSession): StepKind {
  return {
    name: 'scale-version',
    idempotent: true,
    async run(ctx) {
      const component = field(ctx.with, 'component', isString);
      const version = field(ctx.with, 'version', isString);
      const instances = field(ctx.with, 'instances', isNumber);
      if (instances === 0) await session.deps.target.remove(component, version);
      else await session.deps.target.scale(component, version, instances);
      ctx.log(`${component}@${version}: scaled to ${instances}`);
      return { status: 'completed' };
    },
  };
}

/** Stop a version, after an optional delay (blue-green keeps the old colour for `scaleDownDelay`). */
export function removeVersionKind(session: DeploymentSession): StepKind {
  return {
    name: 'remove-version',
    idempotent: true,
    async run(ctx) {
      const component = field(ctx.with, 'component', isString);
      const version = field(ctx.with, 'version', isString);
      const delay = optional(ctx.with, 'delay', isNumber) ?? 0;
      const startedAt = Number(ctx.previous?.outputs?.delayStartedAt ?? Date.now());
      const remaining = startedAt + delay - Date.now();
      if (remaining > 0) {
        ctx.log(`keeping ${component}@${version} for ${Math.ceil(remaining / 1000)}s (scaleDownDelay)`);
        await sleep(remaining, ctx.signal);
      }
      await session.deps.target.remove(component, version);
      ctx.log(`${component}@${version}: removed`);
      return { status: 'completed', outputs: { delayStartedAt: startedAt } };
    },
  };
}
