// Definition: pipeline files and definitions built in code.
export {
  PipelineDefinitionSchema,
  StageDefinitionSchema,
  StepDefinitionSchema,
  RetriesSchema,
  StepIdSchema,
  type PipelineDefinition,
  type PipelineDefinitionInput,
  type StageDefinition,
  type StepDefinition,
} from './definition/schema.js';
export { definePipeline, parsePipelineFile, type DefinitionSource } from './definition/compile.js';
export type { CompiledPipeline, CompiledStage, CompiledStep } from './definition/compiled.js';

// Step kinds: the interface, the table, the generic kinds.
export {
  resolveKind,
  knownKinds,
  type StepKind,
  type StepKindTable,
  type StepContext,
  type StepResult,
} from './kinds/step-kind.js';
export { validateWithSchema, parseWith } from './kinds/with-schema.js';
export { GENERIC_STEP_KINDS } from './kinds/generic.js';
export { runStepKind, RunWithSchema } from './kinds/run.js';
export { notifyStepKind, NotifyWithSchema } from './kinds/notify.js';

// Engine.
export { runPipeline } from './engine/run-pipeline.js';
export {
  DEFAULT_CONCURRENCY,
  type RunPipelineOptions,
  type PipelineOutcome,
  type PipelineOutcomeStatus,
  type StepTransitionEvent,
} from './engine/options.js';
export {
  createPipelineState,
  type PipelineState,
  type StepDetail,
  type NewStateOptions,
} from './engine/state.js';
export { createStateSerializer } from './engine/serialize.js';
export { INTERRUPTED_NON_IDEMPOTENT } from './engine/resume.js';
export { DEFAULT_LOG_LIMITS, type LogLimits } from './engine/step-log.js';
export { backoffDelay } from './engine/backoff.js';
export { abortableSleep } from './engine/settle.js';

// Expressions of `if:`.
export {
  parseExpression,
  evaluateExpression,
  formatExpression,
  truthy,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  type Expression,
  type ExpressionContext,
} from './expression/index.js';
