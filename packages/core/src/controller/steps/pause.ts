import type { StepKind } from '../../pipeline/index.js';
import type { DeploymentSession } from '../session.js';
import { isNumber, optional, sleep } from './with.js';

/**
 * A timed pause waits out what is left of it (its start is kept, so a restart does not start it over); an
 * indefinite one pauses the deployment until `eds promote` records a `Promoted` event for it.
 */
export function pauseKind(session: DeploymentSession): StepKind {
  return {
    name: 'pause',
    idempotent: true,
    async run(ctx) {
      const duration = optional(ctx.with, 'duration', isNumber);
      const stored = ctx.previous?.outputs?.pausedAt;
      const pausedAt = typeof stored === 'string' ? stored : session.deps.clock().toISOString();
      if (session.fullPromotion || session.hasEvent('Promoted', (d) => d.step === ctx.step.id)) {
        return { status: 'completed', outputs: { pausedAt, promoted: true } };
      }
      if (duration === undefined) return { status: 'paused', reason: 'manual', outputs: { pausedAt } };
      const remaining = Date.parse(pausedAt) + duration - session.deps.clock().getTime();
      if (remaining > 0) await sleep(remaining, ctx.signal);
      return { status: 'completed', outputs: { pausedAt } };
    },
  };
}

/** N approvals from the environment's approvers; the requester cannot approve their own deployment. */
export function approvalKind(session: DeploymentSession): StepKind {
  return {
    name: 'approval',
    idempotent: true,
    async run(ctx) {
      const required = Number((ctx.with as { required?: number }).required ?? 1);
      const approvals = session.record.progress.approvals;
      const rejected = approvals.find((a) => a.decision === 'rejected');
      if (rejected) throw new Error(`rejected by ${rejected.by}`);
      const approvers = new Set(approvals.filter((a) => a.decision === 'approved').map((a) => a.by));
      ctx.log(
        `${approvers.size}/${required} approvals${approvers.size ? `: ${[...approvers].join(', ')}` : ''}`,
      );
      if (approvers.size >= required) return { status: 'completed', outputs: { approvedBy: [...approvers] } };
      return { status: 'paused', reason: 'approval' };
    },
  };
}
