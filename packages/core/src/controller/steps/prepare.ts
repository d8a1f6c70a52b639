import type { StepKind } from '../../pipeline/index.js';
import type { DeploymentSession } from '../session.js';

/**
 * Render and check delegate to hooks the controller wires to the config and security modules; their results
 * go into the record's reports. A check that blocks throws a PolicyError before anything has changed.
 */
export interface PrepareHooks {
  render?: (session: DeploymentSession) => Promise<Record<string, unknown>>;
  check?: (session: DeploymentSession) => Promise<Record<string, unknown>>;
  /** After the rollout completed (e.g. prune what the environment no longer renders). */
  completed?: (session: DeploymentSession) => Promise<void>;
}

export function renderKind(session: DeploymentSession, hooks: PrepareHooks): StepKind {
  return {
    name: 'render',
    idempotent: true,
    async run(ctx) {
      const report = hooks.render ? await hooks.render(session) : { note: 'no configuration sources' };
      await session.mutate((record) => {
        record.reports.config = report;
      });
      ctx.log(`configuration: ${JSON.stringify(report).slice(0, 200)}`);
      return { status: 'completed' };
    },
  };
}

export function checkKind(session: DeploymentSession, hooks: PrepareHooks): StepKind {
  return {
    name: 'check',
    idempotent: true,
    async run(ctx) {
      const report = hooks.check ? await hooks.check(session) : { note: 'no policy checks configured' };
      await session.mutate((record) => {
        record.reports.security = report;
      });
      ctx.log(`security: ${JSON.stringify(report).slice(0, 200)}`);
      return { status: 'completed' };
    },
  };
}
