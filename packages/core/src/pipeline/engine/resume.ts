import { finalStageStatus } from './graph-progress.js';
import type { PipelineRun } from './run-context.js';
import { isFinal, setPipelineStatus, setStageStatus } from './state.js';
import type { StepRuntime } from './step-runtime.js';

export const INTERRUPTED_NON_IDEMPOTENT = 'interrupted while running a non-idempotent step';

/**
 * Steps found IN_PROGRESS were running when their process died. Idempotent ones go back to PENDING and run
 * again. If any is not idempotent the engine does not guess whether its effect happened: it fails that step,
 * cancels everything unfinished, and reports fail-safe so the controller rolls back. Returns that failure.
 */
export function reconcileInterruptedSteps(run: PipelineRun): { stepId: string; error: string } | undefined {
  const interrupted = [...run.steps.values()].filter((step) => step.record.status === 'IN_PROGRESS');
  const unsafe = interrupted.filter((step) => !step.compiled.kind.idempotent);
  if (unsafe.length === 0) {
    for (const step of interrupted) requeueInterrupted(run, step);
    return undefined;
  }
  for (const step of unsafe) {
    run.setStatus(step, 'FAILED');
    run.setDetail(step, { ...step.detail, error: INTERRUPTED_NON_IDEMPOTENT });
    run.log(step, `failed: ${INTERRUPTED_NON_IDEMPOTENT} (kind ${step.compiled.kind.name}); not re-run`);
    run.transitioned(step, 'FAILED', { error: INTERRUPTED_NON_IDEMPOTENT });
  }
  for (const step of run.steps.values()) {
    if (isFinal(step.record.status)) continue;
    run.setStatus(step, 'CANCELLED');
    run.log(step, 'cancelled: the pipeline failed safe after an interrupted step');
    run.transitioned(step, 'CANCELLED');
  }
  run.compiled.stages.forEach((_, index) => {
    const steps = run.stageSteps(index);
    const stage = steps[0]?.stage;
    if (stage) setStageStatus(stage, finalStageStatus(steps), run.clock());
  });
  setPipelineStatus(run.state.pipeline, 'FAILED', run.clock());
  run.persister.changed();
  const first = unsafe[0];
  return { stepId: first.compiled.id, error: INTERRUPTED_NON_IDEMPOTENT };
}

function requeueInterrupted(run: PipelineRun, step: StepRuntime): void {
  run.setStatus(step, 'PENDING');
  run.log(
    step,
    `— interrupted while running (attempt ${step.detail.attempts}); running it again (kind ${step.compiled.kind.name} is idempotent)`,
  );
  run.transitioned(step, 'PENDING');
}
