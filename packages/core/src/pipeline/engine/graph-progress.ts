import type { Status } from '../../model/index.js';
import type { PipelineRun } from './run-context.js';
import { setStageStatus } from './state.js';
import { failsPipeline, type StepRuntime } from './step-runtime.js';

/** A stage's final status: FAILED if a step failed the pipeline, CANCELLED if one was cancelled, else COMPLETED. */
export function finalStageStatus(steps: readonly StepRuntime[]): Status {
  if (steps.some(failsPipeline)) return 'FAILED';
  if (steps.some((step) => step.record.status === 'CANCELLED')) return 'CANCELLED';
  return 'COMPLETED';
}

function closeStage(run: PipelineRun, stageIndex: number): void {
  const steps = run.stageSteps(stageIndex);
  run.stageHealth[stageIndex] = {
    carriesFailure: steps.some((step) => step.carriesFailure),
    notOk: steps.some((step) => step.notOk),
  };
  const stage = steps[0]?.stage;
  if (stage) setStageStatus(stage, finalStageStatus(steps), run.clock());
}

function queueIfReady(run: PipelineRun, step: StepRuntime, mark = run.persister.changes): void {
  if (!step.settled && step.waitingOn === 0 && step.compiled.stageIndex <= run.openStage) {
    step.readyMark = mark;
    run.ready.push(step);
  }
}

/** Stages run in order: the next one opens when every step of the current one has settled. */
function openStagesThatCan(run: PipelineRun): void {
  const count = run.compiled.stages.length;
  while (run.openStage < count && run.unsettledIn(run.openStage) === 0) {
    closeStage(run, run.openStage);
    run.openStage += 1;
    if (run.openStage < count) for (const step of run.stageSteps(run.openStage)) queueIfReady(run, step);
  }
}

/** Steps of the first stage without needs depend on nothing: they need not wait for any write. */
export function openFirstStage(run: PipelineRun): void {
  for (const step of run.stageSteps(0)) queueIfReady(run, step, 0);
}

/** A step reached a final status: release its dependents, maybe open the next stage. */
export function settle(run: PipelineRun, step: StepRuntime): void {
  step.settled = true;
  step.notOk = step.carriesFailure || step.record.status === 'CANCELLED';
  if (step.record.status === 'COMPLETED') run.outputs[step.compiled.id] = step.detail.outputs ?? {};
  run.countSettled(step);
  for (const dependent of step.dependents) {
    dependent.waitingOn -= 1;
    queueIfReady(run, dependent);
  }
  openStagesThatCan(run);
}
