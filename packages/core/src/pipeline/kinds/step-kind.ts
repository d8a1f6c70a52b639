import { ValidationError } from '../../errors/index.js';
import type { PathSegment, SpecProblem } from '../../model/index.js';
import type { StepDetail } from '../engine/state.js';
import type { StepDefinition } from '../definition/schema.js';

/** What a step kind's `run` gets. Everything a step may touch comes through here, so tests can control it. */
export interface StepContext {
  step: StepDefinition;
  /** The step's `with:` as written (kinds validate and parse it themselves). */
  with: unknown;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** Aborted on timeout or cancellation: stop work, kill processes, settle promptly. */
  signal: AbortSignal;
  /** One line into the step's log (redacted and size-capped by the engine). */
  log(line: string): void;
  /** Outputs of the steps that completed so far, by step id. */
  outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  inputs: Readonly<Record<string, unknown>>;
  /** This step's detail as found when the run started: set when resuming a paused or interrupted step. */
  previous: StepDetail | undefined;
  clock: () => Date;
}

/**
 * `paused` stops the pipeline: no new step starts, running ones finish, the state is persisted and
 * `runPipeline` returns PAUSED. On resume the step runs again and decides whether its pause is over; the
 * `outputs` of a pause are kept in its detail (e.g. when a timed pause began) and come back as `previous`.
 */
export type StepResult =
  | { status: 'completed'; outputs?: Record<string, unknown> }
  | { status: 'paused'; reason: string; outputs?: Record<string, unknown> };

export interface StepKind {
  readonly name: string;
  /**
   * Whether running the step twice has the effect of running it once. A non-idempotent step found running
   * after a crash is not re-run: the pipeline fails safe (the controller rolls back).
   */
  readonly idempotent: boolean;
  /** Check `with:` when the pipeline is defined, so a bad step fails before anything runs. */
  validate?(withValue: unknown, path: readonly PathSegment[]): SpecProblem[];
  /** Throw to fail the attempt (it is retried if the step has retries left). */
  run(context: StepContext): Promise<StepResult>;
}

/** The one table of step kinds a pipeline is checked and run against. */
export type StepKindTable = Readonly<Record<string, StepKind>>;

export function knownKinds(table: StepKindTable): string[] {
  return Object.keys(table).sort();
}

export function resolveKind(table: StepKindTable, name: string): StepKind {
  const kind = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!kind) {
    const known = knownKinds(table);
    throw new ValidationError(`unknown step kind "${name}"; known kinds: ${known.join(', ')}`, {
      code: 'UNKNOWN_STEP_KIND',
      expected: `one of ${known.join(', ')}`,
    });
  }
  return kind;
}
