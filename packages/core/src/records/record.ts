import { z } from 'zod';
import { DeploymentSchema, PipelineSchema, TimestampSchema } from '../model/index.js';

export const RECORD_API_VERSION = 'eds/v1';
export const RECORD_KIND = 'DeploymentRecord';

/**
 * Where a deployment stands beyond its status: PAUSED is a success for the CLI (exit 0) that a later
 * `promote` / `approve` continues; ROLLED_BACK and ABORTED are how FAILED and CANCELLED came about.
 */
export const PhaseSchema = z.enum([
  'PENDING',
  'RUNNING',
  'PAUSED',
  'COMPLETED',
  'ROLLED_BACK',
  'ABORTED',
  'FAILED',
]);
export type Phase = z.infer<typeof PhaseSchema>;

/** Who or what did something: the front end, the user, and where (CI job URL, host, pid). */
export const ActorSchema = z.strictObject({
  user: z.string(),
  frontEnd: z.string(),
  host: z.string().optional(),
  pid: z.number().int().optional(),
  jobUrl: z.string().optional(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const RecordEventSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  at: TimestampSchema,
  type: z.string().min(1),
  message: z.string(),
  by: ActorSchema.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type RecordEvent = z.infer<typeof RecordEventSchema>;

/** One measurement as the analysis module produces it (same fields; kept here so records stand alone). */
export const AnalysisMeasurementSchema = z.strictObject({
  metric: z.string().min(1),
  index: z.number().int().min(0),
  value: z.number().optional(),
  stableValue: z.number().optional(),
  phase: z.enum(['Successful', 'Failed', 'Error', 'Inconclusive']),
  at: z.iso.datetime(),
  message: z.string(),
});

export const AnalysisRunSchema = z.strictObject({
  step: z.string(),
  phase: z.enum(['Running', 'Successful', 'Failed', 'Error', 'Inconclusive']),
  startedAt: TimestampSchema,
  completedAt: TimestampSchema.nullable(),
  measurements: z.array(AnalysisMeasurementSchema),
  message: z.string().optional(),
});
export type AnalysisRunRecord = z.infer<typeof AnalysisRunSchema>;

/** Per-step detail the seed Pipeline shape has no room for (attempts, why skipped, outputs). */
export const StepDetailSchema = z.strictObject({
  kind: z.string(),
  attempts: z.number().int().nonnegative(),
  skipped: z.boolean().optional(),
  error: z.string().optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});

export const ApprovalSchema = z.strictObject({
  by: z.string(),
  at: TimestampSchema,
  decision: z.enum(['approved', 'rejected']),
  comment: z.string().optional(),
});

export const ProgressSchema = z.strictObject({
  phase: PhaseSchema,
  /** Id of the step the deployment is at (running or paused on). */
  currentStep: z.string().nullable(),
  pauseReason: z.enum(['manual', 'approval', 'duration']).nullable(),
  /** When the current pause started, so a timed pause resumes correctly after a restart. */
  pausedAt: TimestampSchema.nullable(),
  /** Per component: version -> traffic weight (0..100). */
  weights: z.record(z.string(), z.record(z.string(), z.number())),
  /** Per component: the version that served traffic before this deployment (what rollback goes back to). */
  stableVersions: z.record(z.string(), z.string().nullable()),
  /** Per component: router endpoint URL. */
  endpoints: z.record(z.string(), z.string()),
  analysis: z.array(AnalysisRunSchema),
  approvals: z.array(ApprovalSchema),
  steps: z.record(z.string(), StepDetailSchema),
  /** Why the deployment failed / was rolled back, in one line. */
  reason: z.string().nullable(),
  /** A version's instances the target still runs and must be cleaned up, e.g. an old colour after scaleDownDelay. */
  cleanup: z.array(z.strictObject({ component: z.string(), version: z.string(), after: TimestampSchema })),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** What was deployed, frozen at creation: the deployment is resumed from this, not from today's eds.yaml. */
export const SpecSnapshotSchema = z.strictObject({
  file: z.string(),
  sha256: z.string(),
  /** The parsed application spec (secrets appear only as references). */
  application: z.record(z.string(), z.unknown()),
  /** Request-level overrides: versions and `--set` keys (values of secret keys are never stored). */
  request: z.strictObject({
    versions: z.record(z.string(), z.string()),
    set: z.record(z.string(), z.string()),
    strategy: z.string().nullable(),
    rollbackOf: z.string().nullable().optional(),
    /** `eds config rollback --to V`: render the stored Configuration version V instead of the sources. */
    configVersion: z.number().int().positive().optional(),
  }),
});
export type SpecSnapshot = z.infer<typeof SpecSnapshotSchema>;

export const DeploymentRecordSchema = z.strictObject({
  apiVersion: z.literal(RECORD_API_VERSION),
  kind: z.literal(RECORD_KIND),
  /** Set by the store: the revision this content was written as (compare-and-swap). */
  revision: z.number().int().positive(),
  application: z.string().min(1),
  deployment: DeploymentSchema,
  pipeline: PipelineSchema,
  progress: ProgressSchema,
  spec: SpecSnapshotSchema,
  /** Results of security checks, configuration versions and other modules' summaries. */
  reports: z.record(z.string(), z.unknown()),
  events: z.array(RecordEventSchema),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;
