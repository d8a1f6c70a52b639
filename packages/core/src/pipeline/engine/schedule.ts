import { decide, upstreamHealth, type Decision } from './conditions.js';
import { executeStep } from './execute-step.js';
import { settle } from './graph-progress.js';
import type { PipelineRun } from './run-context.js';
import { isFinal } from './state.js';
import { failsPipeline, type StepRuntime } from './step-runtime.js';

/** A step that finished in an earlier run (resume): account for it without running it again. */
function replayFinished(run: PipelineRun, step: StepRuntime): void {
  step.carriesFailure = upstreamHealth(run, step).carriesFailure || failsPipeline(step);
  settle(run, step);
}

function skipOrCancel(run: PipelineRun, step: StepRuntime, decision: Exclude<Decision, 'run'>): void {
  if (decision === 'skip') {
    run.setStatus(step, 'COMPLETED');
    run.setDetail(step, { ...step.detail, skipped: true });
    run.log(step, 'skipped: its condition is false');
    run.transitioned(step, 'COMPLETED', { skipped: true });
  } else {
    run.setStatus(step, 'CANCELLED');
    run.log(
      step,
      run.cancelled ? 'cancelled: the pipeline was cancelled' : 'cancelled: a step it depends on failed',
    );
    run.transitioned(step, 'CANCELLED');
  }
  settle(run, step);
}

function startStep(run: PipelineRun, step: StepRuntime): void {
  const cancel = new AbortController();
  const id = step.compiled.id;
  run.running.set(id, cancel);
  void executeStep(run, step, cancel.signal)
    .catch((error: unknown) => stopOnFatal(run, error))
    .finally(() => {
      run.running.delete(id);
      run.wake();
    });
}

/** Start, skip or cancel ready steps until the queue is empty or every slot is taken. */
function startReadySteps(run: PipelineRun): void {
  for (let step = run.ready.peek(); step && !run.fatal; step = run.ready.peek()) {
    if (isFinal(step.record.status)) {
      run.ready.take();
      replayFinished(run, step);
      continue;
    }
    // A pause stops scheduling; a cancellation still lets `always()` steps run.
    if (run.paused && !run.cancelled) return;
    if (run.running.size >= run.concurrency) return;
    run.ready.take();
    const decision = decide(run, step);
    if (decision === 'run') startStep(run, step);
    else skipOrCancel(run, step, decision);
  }
}

/** Schedule until nothing runs and nothing more can start (done, paused, or stopped). */
export async function driveUntilIdle(run: PipelineRun): Promise<void> {
  for (;;) {
    startReadySteps(run);
    if (run.running.size === 0) return;
    await run.nextWake();
  }
}

/** The caller's signal aborted: abort running steps; paused ones go back in the queue to be cancelled. */
export function cancelRun(run: PipelineRun): void {
  if (run.cancelled) return;
  run.cancelled = true;
  for (const cancel of run.running.values()) cancel.abort(new Error('pipeline cancelled'));
  for (const step of run.pausedSteps.splice(0)) run.ready.push(step);
  run.wake();
}

/** Persisting failed: nothing more can be recorded, so stop every step and let `runPipeline` reject. */
export function stopOnFatal(run: PipelineRun, error: unknown): void {
  run.fatal ??= { error };
  for (const cancel of run.running.values())
    cancel.abort(new Error('pipeline stopped: state could not be persisted'));
  run.wake();
}
