import { setStageStatus } from './state.js';
import { runAttempt, type AttemptOutcome } from './attempt.js';
import { backoffDelay, DEFAULT_BACKOFF_MS, DEFAULT_MAX_BACKOFF_MS } from './backoff.js';
import type { PipelineRun } from './run-context.js';
import { settle } from './graph-progress.js';
import type { StepRuntime } from './step-runtime.js';

function beginStep(run: PipelineRun, step: StepRuntime): void {
  if (step.previous)
    run.log(
      step,
      `— resumed after ${step.previous.attempts} earlier attempt${step.previous.attempts === 1 ? '' : 's'}`,
    );
  // Counted before the IN_PROGRESS write, so a crashed record already shows the attempt that was under way.
  run.setDetail(step, { ...step.detail, attempts: step.detail.attempts + 1 });
  run.setStatus(step, 'IN_PROGRESS');
  setStageStatus(step.stage, 'IN_PROGRESS', run.clock());
  run.transitioned(step, 'IN_PROGRESS');
}

/** Attempts until one completes or pauses, the retries run out, or the step is cancelled. */
async function attemptWithRetries(
  run: PipelineRun,
  step: StepRuntime,
  cancel: AbortSignal,
): Promise<AttemptOutcome> {
  const retries = step.compiled.definition.retries;
  const maxAttempts = 1 + (retries?.max ?? 0);
  for (let attempt = 1; ; attempt += 1) {
    if (cancel.aborted) return { status: 'cancelled' };
    if (attempt > 1) run.setDetail(step, { ...step.detail, attempts: step.detail.attempts + 1 });
    const outcome = await runAttempt(run, step, attempt, cancel);
    if (outcome.status !== 'failed' || attempt >= maxAttempts || cancel.aborted) return outcome;
    const delay = backoffDelay(
      attempt,
      run.random,
      retries?.backoff ?? DEFAULT_BACKOFF_MS,
      retries?.maxBackoff ?? DEFAULT_MAX_BACKOFF_MS,
    );
    run.log(step, `attempt ${attempt} of ${maxAttempts} failed: ${outcome.error}; retrying in ${delay}ms`);
    await run.sleep(delay, cancel);
    if (cancel.aborted) return { status: 'cancelled' };
  }
}

function finishStep(run: PipelineRun, step: StepRuntime, outcome: AttemptOutcome): void {
  const { id } = step.compiled;
  switch (outcome.status) {
    case 'completed': {
      run.setStatus(step, 'COMPLETED');
      const { error: _previousError, ...detail } = step.detail;
      run.setDetail(step, outcome.outputs ? { ...detail, outputs: outcome.outputs } : detail);
      run.transitioned(step, 'COMPLETED');
      settle(run, step);
      return;
    }
    case 'paused':
      // Back to PENDING, not left IN_PROGRESS: a resume runs it again without taking it for a crashed step.
      run.setStatus(step, 'PENDING');
      if (outcome.outputs) run.setDetail(step, { ...step.detail, outputs: outcome.outputs });
      run.log(step, `paused: ${outcome.reason}`);
      run.paused ??= { stepId: id, reason: outcome.reason };
      if (run.cancelled) run.ready.push(step);
      else run.pausedSteps.push(step);
      run.transitioned(step, 'PENDING', { pausedReason: outcome.reason });
      return;
    case 'failed':
      run.setStatus(step, 'FAILED');
      run.setDetail(step, { ...step.detail, error: outcome.error });
      run.log(
        step,
        `failed: ${outcome.error}${step.compiled.definition.continueOnError ? ' (continueOnError: the pipeline goes on)' : ''}`,
      );
      if (step.compiled.definition.continueOnError !== true) {
        step.carriesFailure = true;
        run.firstFailure ??= { stepId: id, error: outcome.error };
      }
      run.transitioned(step, 'FAILED', { error: outcome.error });
      settle(run, step);
      return;
    case 'cancelled':
      run.setStatus(step, 'CANCELLED');
      run.setDetail(step, { ...step.detail, error: 'cancelled' });
      run.log(step, 'cancelled');
      run.transitioned(step, 'CANCELLED');
      settle(run, step);
      return;
  }
}

/**
 * Run one step once what it relies on is durable. Always: its dependencies' transitions (so a resume never
 * sees a step that ran after work the record does not show). For a non-idempotent step also its own
 * IN_PROGRESS, so a crash can never hide a step that may have had effects; an idempotent step found PENDING
 * after a crash is simply run again, so it need not wait for that write.
 */
export async function executeStep(run: PipelineRun, step: StepRuntime, cancel: AbortSignal): Promise<void> {
  beginStep(run, step);
  await run.persister.flush(step.compiled.kind.idempotent ? step.readyMark : run.persister.changes);
  finishStep(run, step, await attemptWithRetries(run, step, cancel));
}
