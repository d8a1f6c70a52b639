import { evaluateExpression, truthy, walkExpression, type ExpressionContext } from '../expression/index.js';
import type { CompiledStep } from '../definition/compiled.js';
import type { PipelineRun } from './run-context.js';
import type { StepRuntime } from './step-runtime.js';

export type Decision = 'run' | 'skip' | 'cancel';

interface UpstreamHealth {
  carriesFailure: boolean;
  notOk: boolean;
}

/** The results `success()` and `failure()` look at: the step's needs, or the whole previous stage. */
export function upstreamHealth(run: PipelineRun, step: StepRuntime): UpstreamHealth {
  const compiled = step.compiled;
  if (compiled.conditionScope === 'previous-stage') {
    return run.stageHealth[compiled.stageIndex - 1] ?? { carriesFailure: false, notOk: false };
  }
  let carriesFailure = false;
  let notOk = false;
  for (const need of compiled.needs) {
    const upstream = run.step(need);
    carriesFailure ||= upstream.carriesFailure;
    notOk ||= upstream.notOk;
  }
  return { carriesFailure, notOk };
}

const referencedSteps = new WeakMap<CompiledStep, string[]>();

/** Only the steps a condition names are put in its context: building all of them would be O(n) per step. */
function stepsReadBy(compiled: CompiledStep): string[] {
  let ids = referencedSteps.get(compiled);
  if (!ids) {
    const found = new Set<string>();
    if (compiled.condition) {
      for (const node of walkExpression(compiled.condition)) {
        if (node.type === 'member' && node.object.type === 'identifier' && node.object.name === 'steps')
          found.add(String(node.property));
      }
    }
    ids = [...found];
    referencedSteps.set(compiled, ids);
  }
  return ids;
}

function expressionContext(
  run: PipelineRun,
  step: StepRuntime,
  status: ExpressionContext['status'],
): ExpressionContext {
  const steps: Record<string, unknown> = {};
  for (const id of stepsReadBy(step.compiled)) {
    const other = run.steps.get(id);
    if (!other) continue;
    steps[id] = {
      status: other.record.status,
      outputs: other.detail.outputs ?? {},
      skipped: other.detail.skipped === true,
      attempts: other.detail.attempts,
      error: other.detail.error ?? null,
    };
  }
  return { steps, inputs: run.inputs, environment: run.environment, status };
}

/**
 * Run, skip or cancel a step whose dependencies have all settled. Without a status function in `if:` the
 * condition is `success() && (if)`. A step that does not run is CANCELLED when something upstream failed or the
 * pipeline was cancelled, and skipped (COMPLETED) when only its own condition said no.
 */
export function decide(run: PipelineRun, step: StepRuntime): Decision {
  const upstream = upstreamHealth(run, step);
  step.carriesFailure = upstream.carriesFailure;
  const status = { success: !upstream.notOk, failure: upstream.carriesFailure, cancelled: run.cancelled };
  const clean = status.success && !status.cancelled;
  const { condition, conditionHasStatusCheck } = step.compiled;
  let go = clean;
  if (condition) {
    const value = truthy(evaluateExpression(condition, expressionContext(run, step, status)));
    go = conditionHasStatusCheck ? value : clean && value;
  }
  if (go) return 'run';
  return clean ? 'skip' : 'cancel';
}
