import type { Status } from '../../model/index.js';
import type { CompiledPipeline } from '../definition/compiled.js';
import type { LogLimits } from './step-log.js';
import type { PipelineState } from './state.js';

/** A step changed status: for live progress on a TTY and for the controller's event bus. */
export interface StepTransitionEvent {
  stepId: string;
  stageId: string;
  status: Status;
  attempt: number;
  /** Set when the step was skipped by its condition (status COMPLETED). */
  skipped?: boolean;
  /** Set when the step paused (status back to PENDING). */
  pausedReason?: string;
  error?: string;
}

export interface RunPipelineOptions {
  /** From `parsePipelineFile` or `definePipeline`. */
  pipeline: CompiledPipeline;
  /** From `createPipelineState` for a new run, or as read back from a record to resume. Not mutated. */
  state: PipelineState;
  /**
   * Make `state` durable (e.g. write it into the deployment record). Called with a snapshot the engine no
   * longer touches, never twice at once; a dependent step starts, and `runPipeline` returns, only after the
   * write covering its dependencies' transitions resolved. A rejection stops the run: running steps are
   * cancelled and `runPipeline` rejects with that error (the last good write stays resumable).
   */
  persist: (state: PipelineState) => Promise<void>;
  /** `inputs.*` of expressions and step contexts, over the definition's `inputs` defaults. */
  inputs?: Record<string, unknown>;
  /** `environment.*` of expressions (e.g. `{ name: 'prod', tier: 'PROD' }`). */
  environment?: Record<string, unknown>;
  /** Overrides the definition's `concurrency` (default 4). */
  concurrency?: number;
  /** Aborting cancels the pipeline: running steps' signals abort and unfinished steps end CANCELLED. */
  signal?: AbortSignal;
  clock?: () => Date;
  /** Backoff waits between retries; must end early when `signal` aborts. Timeouts use real timers. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1): the jitter of retry backoff. */
  random?: () => number;
  logLimits?: Partial<LogLimits>;
  /** After a step's signal aborts, how long to wait for it to settle before giving up on it; default 10s. */
  abortGraceMs?: number;
  onTransition?: (event: StepTransitionEvent) => void;
}

export type PipelineOutcomeStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'PAUSED';

export interface PipelineOutcome {
  status: PipelineOutcomeStatus;
  /** The step the pipeline paused at (the first one, if several paused together). */
  paused?: { stepId: string; reason: string };
  /** The first step that failed without `continueOnError`. */
  failed?: { stepId: string; error: string };
  /**
   * Set when the run was resumed over a non-idempotent step that was running when its process died: nothing
   * was re-run, the pipeline is FAILED, and the caller should roll back.
   */
  failSafe?: true;
  /** The final state, as last persisted. */
  state: PipelineState;
  /** How many times `persist` was called in this run. */
  persists: number;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_ABORT_GRACE_MS = 10_000;
