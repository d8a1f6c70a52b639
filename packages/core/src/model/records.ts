import { z } from 'zod';
import {
  InfrastructureStatusSchema,
  InfrastructureTypeSchema,
  StatusSchema,
  StrategyTypeSchema,
} from './enums.js';

/** ISO-8601 timestamp with offset, as written by `new Date().toISOString()`. */
export const TimestampSchema = z.iso.datetime({ offset: true });

/** Environment name: a key of `environments:` in eds.yaml (tiers are separate). */
export const EnvironmentNameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'a lowercase DNS label (a-z, 0-9, -), at most 63 characters',
  );

export const ComponentStatusSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  version: z.string().min(1),
  status: StatusSchema,
});
export type ComponentState = z.infer<typeof ComponentStatusSchema>;

/** The Deployment record of the data model: exactly the specification's fields. */
export const DeploymentSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string(),
  status: StatusSchema,
  environment: EnvironmentNameSchema,
  components: z.array(ComponentStatusSchema),
  strategy: StrategyTypeSchema,
  createdBy: z.string().min(1),
  createdAt: TimestampSchema,
  startedAt: TimestampSchema.nullable(),
  completedAt: TimestampSchema.nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** The Configuration record: `secrets` maps a key to a *reference* (`env:NAME`), never to a value. */
export const ConfigurationSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  environment: EnvironmentNameSchema,
  version: z.number().int().nonnegative(),
  data: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.string()),
  createdBy: z.string().min(1),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Configuration = z.infer<typeof ConfigurationSchema>;

export const PipelineStepSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  status: StatusSchema,
  startedAt: TimestampSchema.nullable(),
  completedAt: TimestampSchema.nullable(),
  logs: z.array(z.string()),
});
export type PipelineStep = z.infer<typeof PipelineStepSchema>;

export const PipelineStageSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  status: StatusSchema,
  steps: z.array(PipelineStepSchema),
  startedAt: TimestampSchema.nullable(),
  completedAt: TimestampSchema.nullable(),
});
export type PipelineStage = z.infer<typeof PipelineStageSchema>;

/** The Pipeline record: stages of steps, each with its own status and captured (redacted, capped) logs. */
export const PipelineSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  deploymentId: z.string(),
  status: StatusSchema,
  stages: z.array(PipelineStageSchema),
  startedAt: TimestampSchema.nullable(),
  completedAt: TimestampSchema.nullable(),
});
export type Pipeline = z.infer<typeof PipelineSchema>;

export const InfrastructureResourceSchema = z.strictObject({
  id: z.string().min(1),
  type: z.string().min(1),
  name: z.string().min(1),
  status: InfrastructureStatusSchema,
  metadata: z.record(z.string(), z.unknown()),
});

/** The Infrastructure record: where an environment runs (a host agent is `VM`, a cluster `KUBERNETES`). */
export const InfrastructureSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  type: InfrastructureTypeSchema,
  environment: EnvironmentNameSchema,
  status: InfrastructureStatusSchema,
  resources: z.array(InfrastructureResourceSchema),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Infrastructure = z.infer<typeof InfrastructureSchema>;
