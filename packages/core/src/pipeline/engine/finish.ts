import { InternalError } from '../../errors/index.js';
import type { PipelineOutcome, PipelineOutcomeStatus } from './options.js';
import type { PipelineRun } from './run-context.js';
import { setPipelineStatus } from './state.js';
import { failsPipeline } from './step-runtime.js';

function firstFailure(run: PipelineRun): { stepId: string; error: string } | undefined {
  if (run.firstFailure) return run.firstFailure;
  // Failed in an earlier run (resume): the first in definition order.
  for (const step of run.steps.values()) {
    if (failsPipeline(step)) return { stepId: step.compiled.id, error: step.detail.error ?? 'failed' };
  }
  return undefined;
}

/** Decide how the run ended and put that on the Pipeline record (a paused pipeline stays IN_PROGRESS). */
export function finishPipeline(run: PipelineRun): PipelineOutcomeStatus {
  const unsettled = [...run.steps.values()].filter((step) => !step.settled);
  if (run.paused && !run.cancelled) return 'PAUSED';
  if (unsettled.length > 0) {
    throw new InternalError(
      `pipeline ${run.state.pipeline.id} stopped with unfinished steps: ${unsettled.map((s) => s.compiled.id).join(', ')}`,
    );
  }
  const steps = [...run.steps.values()];
  const status: PipelineOutcomeStatus =
    run.cancelled && steps.some((step) => step.record.status === 'CANCELLED')
      ? 'CANCELLED'
      : steps.some(failsPipeline)
        ? 'FAILED'
        : 'COMPLETED';
  setPipelineStatus(run.state.pipeline, status, run.clock());
  run.persister.changed();
  return status;
}

export function outcomeOf(run: PipelineRun, status: PipelineOutcomeStatus): PipelineOutcome {
  const failed = status === 'CANCELLED' ? undefined : firstFailure(run);
  return {
    status,
    ...(status === 'PAUSED' && run.paused ? { paused: run.paused } : {}),
    ...(failed ? { failed } : {}),
    state: run.state,
    persists: run.persister.writes,
  };
}

/** A pipeline that had already ended: nothing runs, the outcome is read from the record. */
export function outcomeOfFinished(run: PipelineRun): PipelineOutcome {
  const status = run.state.pipeline.status;
  return outcomeOf(run, status === 'CANCELLED' ? 'CANCELLED' : status === 'FAILED' ? 'FAILED' : 'COMPLETED');
}
