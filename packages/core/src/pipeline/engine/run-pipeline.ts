import type { PipelineOutcome, RunPipelineOptions } from './options.js';
import { outcomeOf, finishPipeline, outcomeOfFinished } from './finish.js';
import { openFirstStage } from './graph-progress.js';
import { reconcileInterruptedSteps } from './resume.js';
import { PipelineRun } from './run-context.js';
import { cancelRun, driveUntilIdle } from './schedule.js';
import { isFinal, setPipelineStatus } from './state.js';

function markStarted(run: PipelineRun): void {
  setPipelineStatus(run.state.pipeline, 'IN_PROGRESS', run.clock());
  run.persister.changed();
}

function listenForCancel(run: PipelineRun, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  const onAbort = (): void => cancelRun(run);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/**
 * Run (or resume) a pipeline to its end, a pause, a cancellation or a fail-safe stop. Every step transition is
 * persisted before anything that depends on it starts and before this returns.
 *
 *   1. A pipeline that already ended is reported as it is.
 *   2. Steps caught IN_PROGRESS by a crash are re-queued (idempotent) or fail the pipeline safe.
 *   3. The pipeline is marked IN_PROGRESS and the first stage opens.
 *   4. Steps are scheduled until done, paused or cancelled; finished steps of an earlier run are replayed.
 *   5. The end status is recorded and flushed.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineOutcome> {
  const run = new PipelineRun(options);
  if (isFinal(run.state.pipeline.status)) return outcomeOfFinished(run);

  const failSafe = reconcileInterruptedSteps(run);
  if (failSafe) {
    await run.persister.flush();
    return { ...outcomeOf(run, 'FAILED'), failed: failSafe, failSafe: true };
  }

  markStarted(run);
  const stopListening = listenForCancel(run, options.signal);
  try {
    openFirstStage(run);
    await driveUntilIdle(run);
  } finally {
    stopListening();
  }
  if (run.fatal) throw run.fatal.error;

  const status = finishPipeline(run);
  await run.persister.flush();
  return outcomeOf(run, status);
}
