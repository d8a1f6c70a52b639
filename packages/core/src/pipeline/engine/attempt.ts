import { formatDuration } from '../../model/index.js';
import { redact } from '../../secrets/index.js';
import type { StepResult } from '../kinds/step-kind.js';
import type { PipelineRun } from './run-context.js';
import { settleOrAbort } from './settle.js';
import type { StepRuntime } from './step-runtime.js';

export type AttemptOutcome = StepResult | { status: 'failed'; error: string } | { status: 'cancelled' };

const TIMED_OUT = Symbol('timed out');

export function errorMessage(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}

function checkResult(value: unknown, kind: string): AttemptOutcome {
  const result = value as StepResult | undefined;
  if (result?.status === 'completed') return result;
  if (result?.status === 'paused' && typeof result.reason === 'string') return result;
  return { status: 'failed', error: `step kind "${kind}" returned an invalid result` };
}

/**
 * One attempt of a step: its own AbortController, aborted by the step's cancellation or by its timeout. An
 * aborted attempt gets `abortGraceMs` to settle; whatever it returns then, the abort decides the outcome.
 */
export async function runAttempt(
  run: PipelineRun,
  step: StepRuntime,
  attempt: number,
  cancel: AbortSignal,
): Promise<AttemptOutcome> {
  if (cancel.aborted) return { status: 'cancelled' };
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(cancel.reason);
  cancel.addEventListener('abort', onCancel, { once: true });
  const timeoutMs = step.compiled.definition.timeout;
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(TIMED_OUT), timeoutMs);
  try {
    const running = Promise.resolve().then(() =>
      step.compiled.kind.run({
        step: step.compiled.definition,
        with: step.compiled.definition.with,
        attempt,
        signal: controller.signal,
        log: (line) => run.log(step, line),
        outputs: run.outputs,
        inputs: run.inputs,
        previous: step.previous,
        clock: run.clock,
      }),
    );
    const settled = await settleOrAbort(running, controller.signal, run.abortGraceMs);
    if (controller.signal.aborted) {
      return controller.signal.reason === TIMED_OUT
        ? { status: 'failed', error: `timed out after ${formatDuration(timeoutMs ?? 0)}` }
        : { status: 'cancelled' };
    }
    if (settled.kind === 'rejected') return { status: 'failed', error: errorMessage(settled.error) };
    if (settled.kind === 'fulfilled') return checkResult(settled.value, step.compiled.kind.name);
    return { status: 'cancelled' };
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}
