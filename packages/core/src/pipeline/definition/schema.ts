import { z } from 'zod';
import { DurationSchema } from '../../model/index.js';

/** Ids are used in `needs:` and in expressions (`steps.build.status`), so they must read as identifiers. */
export const StepIdSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/,
    'an id of letters, digits, _ and - (starting with a letter or _), at most 100 characters',
  );

export const RetriesSchema = z.strictObject({
  /** Retries after the first attempt. */
  max: z.number().int().min(0).max(100),
  /** Base delay of the exponential backoff (full jitter); default 1s. */
  backoff: DurationSchema.optional(),
  /** Cap on one backoff delay; default 60s. */
  maxBackoff: DurationSchema.optional(),
});

export const StepDefinitionSchema = z.strictObject({
  id: StepIdSchema,
  name: z.string().min(1).optional(),
  kind: z.string().min(1),
  with: z.unknown().optional(),
  needs: z.array(StepIdSchema).optional(),
  if: z.union([z.string().min(1), z.boolean()]).optional(),
  /** Per attempt. */
  timeout: DurationSchema.optional(),
  retries: RetriesSchema.optional(),
  continueOnError: z.boolean().optional(),
});
/** A step after parsing: durations are milliseconds. */
export type StepDefinition = z.output<typeof StepDefinitionSchema>;

export const StageDefinitionSchema = z.strictObject({
  id: StepIdSchema,
  name: z.string().min(1).optional(),
  steps: z.array(StepDefinitionSchema).min(1),
});
export type StageDefinition = z.output<typeof StageDefinitionSchema>;

export const PipelineDefinitionSchema = z.strictObject({
  name: z.string().min(1),
  /** How many steps may run at once; default 4. */
  concurrency: z.number().int().min(1).max(1000).optional(),
  /** Default values of `inputs.*` (callers may override them). */
  inputs: z.record(z.string(), z.unknown()).optional(),
  stages: z.array(StageDefinitionSchema).min(1),
});
/** What a pipeline file or a controller writes (durations as "5s" or seconds). */
export type PipelineDefinitionInput = z.input<typeof PipelineDefinitionSchema>;
export type PipelineDefinition = z.output<typeof PipelineDefinitionSchema>;
