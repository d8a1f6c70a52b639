import type { Expression } from '../expression/index.js';
import type { StepKind } from '../kinds/step-kind.js';
import type { PipelineDefinition, StepDefinition } from './schema.js';

/** A step checked against the kind table, with its condition parsed once. */
export interface CompiledStep {
  readonly definition: StepDefinition;
  readonly id: string;
  readonly kind: StepKind;
  readonly stageIndex: number;
  /** Declared `needs` (steps of this or earlier stages). */
  readonly needs: readonly string[];
  /**
   * Whose results `success()` / `failure()` look at: the declared needs, or, for a step without `needs`, every
   * step of the previous stage (as in GitLab CI stages).
   */
  readonly conditionScope: 'needs' | 'previous-stage';
  /** Undefined: the default `success()`. */
  readonly condition: Expression | undefined;
  /** False when the condition names no status function and is therefore `success() && (...)`. */
  readonly conditionHasStatusCheck: boolean;
}

export interface CompiledStage {
  readonly id: string;
  readonly name: string;
  readonly stepIds: readonly string[];
}

/**
 * A validated pipeline: ids unique, needs known and acyclic, kinds known, `with:` and conditions checked.
 * Only `parsePipelineFile` and `definePipeline` make one, so the engine never meets an unchecked definition.
 */
export interface CompiledPipeline {
  readonly definition: PipelineDefinition;
  readonly stages: readonly CompiledStage[];
  /** In definition order. */
  readonly steps: ReadonlyMap<string, CompiledStep>;
}
