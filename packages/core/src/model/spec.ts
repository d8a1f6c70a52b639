import { z } from 'zod';
import semver from 'semver';
import { DurationSchema } from './duration.js';
import { EnvironmentNameSchema } from './records.js';
import { StrategyTypeSchema, TierSchema } from './enums.js';

/** Names of applications and components become process names, labels and DNS names. */
const NameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'a lowercase DNS label (a-z, 0-9, -), at most 63 characters',
  );

export const SemverSchema = z.string().refine((v) => semver.valid(v) !== null && semver.clean(v) === v, {
  message: 'must be a semantic version such as 1.2.3 (https://semver.org)',
});

export const HealthSpecSchema = z.strictObject({
  http: z.string().startsWith('/').optional(),
  tcp: z.boolean().optional(),
  command: z.string().min(1).optional(),
  interval: DurationSchema.default(1000),
  timeout: DurationSchema.default(1000),
  healthyThreshold: z.number().int().min(1).default(1),
  unhealthyThreshold: z.number().int().min(1).default(3),
});
export type HealthSpec = z.infer<typeof HealthSpecSchema>;

export const RunSpecSchema = z.strictObject({
  command: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  cwd: z.string().optional(),
});

export const ComponentSpecSchema = z
  .strictObject({
    name: NameSchema,
    version: SemverSchema,
    description: z.string().optional(),
    image: z.string().min(1).optional(),
    run: RunSpecSchema.optional(),
    health: HealthSpecSchema.optional(),
    replicas: z.number().int().min(1).max(1000).default(1),
    /** Port of the component's router listener on host targets (0 or absent: a free port, then kept). */
    port: z.number().int().min(0).max(65535).optional(),
    env: z.record(z.string(), z.string()).optional(),
  })
  .refine((c) => c.image !== undefined || c.run !== undefined, {
    message: 'a component needs `image` (Kubernetes targets) and/or `run` (host targets)',
    path: ['run'],
  });
export type ComponentSpec = z.infer<typeof ComponentSpecSchema>;

/**
 * An analysis template as written in eds.yaml. The analysis module owns the detailed schema and checks it when
 * the spec is resolved; here it is kept as an object so the spec schema does not depend on provider plugins.
 */
export const AnalysisSpecSchema = z.record(z.string(), z.unknown());

const PercentOrCount = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d{1,3}%$/, 'a count or a percentage like 25%'),
]);

export const RollingStrategySchema = z.strictObject({
  type: z.literal('ROLLING'),
  maxSurge: PercentOrCount.default(1),
  maxUnavailable: PercentOrCount.default(0),
  /** Instances replaced per batch; default: maxSurge (or 1). */
  batch: z.number().int().min(1).optional(),
  progressDeadline: DurationSchema.default(60_000),
});

export const PreviewCheckSchema = z.strictObject({
  http: z.string().startsWith('/'),
  expectStatus: z.number().int().min(100).max(599).default(200),
  contains: z.string().optional(),
});

export const BlueGreenStrategySchema = z.strictObject({
  type: z.literal('BLUE_GREEN'),
  autoPromote: z.boolean().default(true),
  scaleDownDelay: DurationSchema.default(30_000),
  previewChecks: z.array(PreviewCheckSchema).default([]),
  prePromotionAnalysis: AnalysisSpecSchema.optional(),
  postPromotionAnalysis: AnalysisSpecSchema.optional(),
  progressDeadline: DurationSchema.default(60_000),
});

export const CanaryStepSchema = z.union([
  z.strictObject({ setWeight: z.number().int().min(0).max(100) }),
  z.strictObject({ pause: z.strictObject({ duration: DurationSchema.optional() }) }),
  z.strictObject({ analysis: AnalysisSpecSchema }),
]);
export type CanaryStep = z.infer<typeof CanaryStepSchema>;

export const CanaryStrategySchema = z
  .strictObject({
    type: z.literal('CANARY'),
    steps: z.array(CanaryStepSchema).min(1),
    /** Analysis that runs during the whole rollout and aborts it the moment it fails. */
    analysis: AnalysisSpecSchema.optional(),
    /** Requests matching this always reach the canary (testers, A/B). */
    match: z
      .strictObject({
        header: z.strictObject({ name: z.string().min(1), value: z.string() }).optional(),
        cookie: z.strictObject({ name: z.string().min(1), value: z.string() }).optional(),
      })
      .optional(),
    progressDeadline: DurationSchema.default(60_000),
  })
  .superRefine((strategy, ctx) => {
    let previous = -1;
    strategy.steps.forEach((step, index) => {
      if (!('setWeight' in step)) return;
      if (step.setWeight <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'setWeight'],
          message: `canary weights must increase: ${step.setWeight} follows ${previous}`,
        });
      }
      previous = step.setWeight;
    });
  });

export const StrategySpecSchema = z.discriminatedUnion('type', [
  RollingStrategySchema,
  BlueGreenStrategySchema,
  CanaryStrategySchema,
]);
export type StrategySpec = z.infer<typeof StrategySpecSchema>;
export type RollingStrategy = z.infer<typeof RollingStrategySchema>;
export type BlueGreenStrategy = z.infer<typeof BlueGreenStrategySchema>;
export type CanaryStrategy = z.infer<typeof CanaryStrategySchema>;

export const AgentHostSchema = z.strictObject({
  url: z.url(),
  /** A secret reference (`env:NAME`, `file:PATH`), never the token itself. */
  token: z.string().min(1),
});

export const TargetSpecSchema = z.union([
  z.literal('local'),
  z.strictObject({ type: z.literal('local') }),
  z.strictObject({ type: z.literal('VM'), hosts: z.array(AgentHostSchema).min(1) }),
  z.strictObject({
    type: z.literal('KUBERNETES'),
    context: z.string().optional(),
    namespace: z.string().optional(),
    kubeconfig: z.string().optional(),
    /** After a completed rollout, delete supporting objects this environment applied before and no longer renders. */
    prune: z.boolean().optional(),
    /** Canary traffic method: `replicas` (default), `nginx`, `gateway`, or `{ method, host, … }`. */
    traffic: z
      .union([z.enum(['replicas', 'nginx', 'gateway']), z.record(z.string(), z.unknown())])
      .optional(),
  }),
]);
export type TargetSpec = z.infer<typeof TargetSpecSchema>;

export const ApprovalsSpecSchema = z
  .strictObject({
    required: z.number().int().min(1),
    approvers: z.array(z.string().min(1)).min(1),
  })
  .refine((a) => a.required <= a.approvers.length, {
    message: 'more approvals required than there are approvers',
    path: ['required'],
  });

export const EnvironmentSpecSchema = z.strictObject({
  tier: TierSchema,
  target: TargetSpecSchema.default('local'),
  strategy: StrategySpecSchema,
  approvals: ApprovalsSpecSchema.optional(),
  /** Environment-specific configuration: an overlay file and/or inline values (see `config:`). */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Environment-specific security policy overrides (see `policy:`). */
  policy: z.record(z.string(), z.unknown()).optional(),
  url: z.string().optional(),
});
export type EnvironmentSpec = z.infer<typeof EnvironmentSpecSchema>;

/** `eds.yaml`: the application's deployment spec. */
export const AppSpecSchema = z
  .strictObject({
    $schema: z.string().optional(),
    apiVersion: z.literal('eds/v1'),
    name: NameSchema,
    description: z.string().optional(),
    components: z.array(ComponentSpecSchema).min(1),
    environments: z
      .record(EnvironmentNameSchema, EnvironmentSpecSchema)
      .refine((e) => Object.keys(e).length > 0, {
        message: 'at least one environment is required',
      }),
    /** Configuration sources (base, overlays, secrets, templates): the config module owns its shape. */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Security policy (thresholds, rules, exemptions): the security module owns its shape. */
    policy: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((spec, ctx) => {
    const seen = new Map<string, number>();
    spec.components.forEach((component, index) => {
      const first = seen.get(component.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['components', index, 'name'],
          message: `duplicate component name "${component.name}" (first used at components[${first}])`,
        });
      } else seen.set(component.name, index);
    });
  });
export type AppSpec = z.infer<typeof AppSpecSchema>;
export type AppSpecInput = z.input<typeof AppSpecSchema>;

export const STRATEGY_TYPES = StrategyTypeSchema.options;
