import type { PipelineStage, PipelineStep } from '../../model/index.js';
import type { CompiledStep } from '../definition/compiled.js';
import type { StepLog } from './step-log.js';
import type { StepDetail } from './state.js';

/** What the engine tracks about one step while a run is going. */
export interface StepRuntime {
  readonly compiled: CompiledStep;
  /** The step's entry in the Pipeline record. Replaced, never mutated: change it through PipelineRun. */
  record: PipelineStep;
  /** Where `record` sits in `stage.steps`. */
  readonly slot: number;
  readonly stage: PipelineStage;
  /** Replaced, never mutated, like `record`. */
  detail: StepDetail;
  readonly log: StepLog;
  /** The detail as found when this run began: `previous` for a resumed step. */
  readonly previous: StepDetail | undefined;
  /** Steps whose `needs` name this one. */
  readonly dependents: StepRuntime[];
  /** Needs that have not settled yet. */
  waitingOn: number;
  /** Persister mark when the step became ready: its dependencies' transitions are all at or before it. */
  readyMark: number;
  settled: boolean;
  /**
   * This step failed (without continueOnError), or something it depended on did. Flows downstream, so
   * `failure()` is true for every step after a failure, as in GitHub Actions.
   */
  carriesFailure: boolean;
  /** Not a clean success for its dependents: carries a failure, or was cancelled. */
  notOk: boolean;
}

/** Whether a finished step counts as failed for the pipeline (continueOnError failures do not). */
export function failsPipeline(step: StepRuntime): boolean {
  return step.record.status === 'FAILED' && step.compiled.definition.continueOnError !== true;
}
