import type { PipelineStage, PipelineStep, Status } from '../../model/index.js';
import type { CompiledPipeline } from '../definition/compiled.js';
import {
  DEFAULT_ABORT_GRACE_MS,
  DEFAULT_CONCURRENCY,
  type RunPipelineOptions,
  type StepTransitionEvent,
} from './options.js';
import { CoalescingPersister } from './persister.js';
import { ReadyQueue } from './ready-queue.js';
import { abortableSleep } from './settle.js';
import { indexSteps, snapshotState, withStatus, type PipelineState, type StepDetail } from './state.js';
import { DEFAULT_LOG_LIMITS, StepLog } from './step-log.js';
import type { StepRuntime } from './step-runtime.js';

/** Results of a closed stage, as seen by the next stage's steps without `needs`. */
interface StageHealth {
  carriesFailure: boolean;
  notOk: boolean;
}

/**
 * Everything one `runPipeline` call works with: the state it mutates, the graph bookkeeping, and the injected
 * clock, sleep and random. The orchestration lives in the functions that take it; this holds no policy.
 */
export class PipelineRun {
  readonly compiled: CompiledPipeline;
  readonly state: PipelineState;
  readonly steps = new Map<string, StepRuntime>();
  readonly ready = new ReadyQueue<StepRuntime>();
  /** Cancel handles of steps being executed. */
  readonly running = new Map<string, AbortController>();
  readonly outputs: Record<string, Readonly<Record<string, unknown>>> = {};
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly concurrency: number;
  readonly abortGraceMs: number;
  readonly clock: () => Date;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly persister: CoalescingPersister<PipelineState>;
  readonly #onTransition: ((event: StepTransitionEvent) => void) | undefined;

  /** Unsettled steps per stage; a stage opens when every earlier one has none left. */
  readonly #unsettled: number[];
  readonly stageHealth: (StageHealth | undefined)[];
  openStage = 0;

  cancelled = false;
  /** A persist failure: stop everything and reject. */
  fatal: { error: unknown } | undefined;
  paused: { stepId: string; reason: string } | undefined;
  readonly pausedSteps: StepRuntime[] = [];
  firstFailure: { stepId: string; error: string } | undefined;

  readonly #dirtyLogs = new Set<StepRuntime>();
  #waiter: (() => void) | undefined;
  #pendingWake = false;

  constructor(options: RunPipelineOptions) {
    this.compiled = options.pipeline;
    // The caller's object stays as it was; the engine owns its copy.
    this.state = structuredClone(options.state);
    this.inputs = { ...options.pipeline.definition.inputs, ...options.inputs };
    this.environment = { ...options.environment };
    this.concurrency = Math.max(
      1,
      options.concurrency ?? options.pipeline.definition.concurrency ?? DEFAULT_CONCURRENCY,
    );
    this.abortGraceMs = options.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS;
    this.clock = options.clock ?? (() => new Date());
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.#onTransition = options.onTransition;
    this.persister = new CoalescingPersister(
      () => {
        this.#syncLogs();
        return snapshotState(this.state);
      },
      (snapshot) => options.persist(snapshot),
    );
    this.#buildGraph({ ...DEFAULT_LOG_LIMITS, ...options.logLimits });
    this.#unsettled = this.compiled.stages.map((stage) => stage.stepIds.length);
    this.stageHealth = this.compiled.stages.map(() => undefined);
  }

  #buildGraph(limits: typeof DEFAULT_LOG_LIMITS): void {
    const records = indexSteps(this.state, this.compiled);
    const placeOf = new Map<string, { stage: PipelineStage; slot: number }>();
    for (const stage of this.state.pipeline.stages)
      stage.steps.forEach((step, slot) => placeOf.set(step.id, { stage, slot }));
    for (const compiled of this.compiled.steps.values()) {
      const record = records.get(compiled.id);
      const place = placeOf.get(compiled.id);
      const detail = this.state.steps[compiled.id];
      if (!record || !place || !detail) continue; // indexSteps has thrown for these
      this.steps.set(compiled.id, {
        compiled,
        record,
        slot: place.slot,
        stage: place.stage,
        detail,
        log: new StepLog(limits, record.logs),
        previous: detail.attempts > 0 ? { ...detail } : undefined,
        dependents: [],
        waitingOn: compiled.needs.length,
        readyMark: 0,
        settled: false,
        carriesFailure: false,
        notOk: false,
      });
    }
    for (const step of this.steps.values()) {
      for (const need of step.compiled.needs) this.steps.get(need)?.dependents.push(step);
    }
  }

  step(id: string): StepRuntime {
    const step = this.steps.get(id);
    if (!step) throw new Error(`no step ${id}`);
    return step;
  }

  /** Steps of a stage, in definition order. */
  stageSteps(stageIndex: number): StepRuntime[] {
    return (this.compiled.stages[stageIndex]?.stepIds ?? []).map((id) => this.step(id));
  }

  /** Called once a stage has no unsettled step left and is the open one. */
  unsettledIn(stageIndex: number): number {
    return this.#unsettled[stageIndex] ?? 0;
  }

  countSettled(step: StepRuntime): void {
    const index = step.compiled.stageIndex;
    this.#unsettled[index] = (this.#unsettled[index] ?? 0) - 1;
  }

  // ---- logs -----------------------------------------------------------------------------------------

  log(step: StepRuntime, line: string): void {
    step.log.append(line);
    this.#dirtyLogs.add(step);
  }

  /** Logs are copied into the record only when a snapshot is taken: appending a line stays O(1). */
  #syncLogs(): void {
    for (const step of this.#dirtyLogs) this.#replaceRecord(step, { ...step.record, logs: step.log.lines });
    this.#dirtyLogs.clear();
  }

  // ---- copy-on-write changes of step records (see snapshotState) -------------------------------------

  #replaceRecord(step: StepRuntime, record: PipelineStep): void {
    step.record = record;
    step.stage.steps[step.slot] = record;
  }

  setStatus(step: StepRuntime, to: Status): void {
    this.#replaceRecord(step, withStatus(step.record, to, this.clock()));
  }

  setDetail(step: StepRuntime, detail: StepDetail): void {
    step.detail = detail;
    this.state.steps[step.compiled.id] = detail;
  }

  // ---- transitions ----------------------------------------------------------------------------------

  /** A status change happened: make it durable soon and tell the listener. */
  transitioned(step: StepRuntime, status: Status, extra: Partial<StepTransitionEvent> = {}): void {
    this.persister.changed();
    this.#onTransition?.({
      stepId: step.compiled.id,
      stageId: step.stage.id,
      status,
      attempt: step.detail.attempts,
      ...extra,
    });
  }

  // ---- waking the scheduler -------------------------------------------------------------------------

  /** Resolves when a running step finishes (or at once, if one finished since the last wait). */
  nextWake(): Promise<void> {
    if (this.#pendingWake) {
      this.#pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter();
    else this.#pendingWake = true;
  }
}
