import { z } from 'zod';
import { isKnownRuleId, unknownRuleMessage } from '../rules/index.js';
import { SEVERITIES, TIERS } from '../types.js';

export const SeveritySchema = z.enum(SEVERITIES);
export const TierSchema = z.enum(TIERS);

/**
 * An expiry date: `2025-12-31` (valid through the end of that day, UTC) or an ISO date-time with offset.
 * YAML 1.1 parsers turn bare dates into Date objects, so those are accepted and written back as dates.
 */
export const ExpirySchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true }), z.date()], {
    error: 'expected a date such as 2025-12-31 or an ISO date-time',
  })
  .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'expected a real calendar date' });

const RuleIdSchema = z
  .string()
  .refine(isKnownRuleId, { error: (issue) => unknownRuleMessage(String(issue.input)) });

export const RuleSettingSchema = z.union([
  z.boolean(),
  z.strictObject({ enabled: z.boolean().optional(), severity: SeveritySchema.optional() }),
]);

export const ResourceSelectorSchema = z.strictObject({
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

export const ExemptionSchema = z.strictObject({
  rule: RuleIdSchema,
  resource: ResourceSelectorSchema,
  reason: z.string().trim().min(1, { error: 'an exemption needs a reason' }),
  expires: ExpirySchema,
});

export const ParametersSchema = z.strictObject({
  allowedRegistries: z.array(z.string().min(1)).optional(),
  requireDigest: z.boolean().optional(),
  allowedCapabilities: z.array(z.string().min(1)).optional(),
});

const ThresholdsSchema = z.strictObject({
  DEV: SeveritySchema.optional(),
  STAGING: SeveritySchema.optional(),
  PROD: SeveritySchema.optional(),
});

export const VulnerabilityIgnoreSchema = z.strictObject({
  /** CVE, GHSA or scanner id. */
  id: z.string().min(1),
  /** Only ignore it in this package (any package when absent). */
  package: z.string().min(1).optional(),
  reason: z.string().trim().min(1, { error: 'an ignore entry needs a reason' }),
  expires: ExpirySchema,
});

export const VulnerabilityPolicySchema = z.strictObject({
  threshold: SeveritySchema.optional(),
  thresholds: ThresholdsSchema.optional(),
  /** Block only on vulnerabilities that have a fixed version (unknown fix status still blocks). */
  onlyFixed: z.boolean().optional(),
  /** Severity given to vulnerabilities the scanner rates UNKNOWN. */
  unknownSeverity: SeveritySchema.optional(),
  ignore: z.array(VulnerabilityIgnoreSchema).optional(),
  /** Report files (Trivy JSON, Grype JSON, SARIF) to gate on, relative to eds.yaml. */
  reports: z.array(z.string().min(1)).optional(),
});

/** The `policy:` section of eds.yaml, and of each environment (which overrides it). */
export const PolicySchema = z.strictObject({
  /** Lowest severity that blocks a deployment (overrides `thresholds` and the tier default). */
  threshold: SeveritySchema.optional(),
  thresholds: ThresholdsSchema.optional(),
  rules: z
    .record(z.string(), RuleSettingSchema)
    .superRefine((rules, ctx) => {
      for (const id of Object.keys(rules)) {
        if (!isKnownRuleId(id)) ctx.addIssue({ code: 'custom', path: [id], message: unknownRuleMessage(id) });
      }
    })
    .optional(),
  parameters: ParametersSchema.optional(),
  exemptions: z.array(ExemptionSchema).optional(),
  vulnerabilities: VulnerabilityPolicySchema.optional(),
});

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type Exemption = z.output<typeof ExemptionSchema>;
export type VulnerabilityIgnore = z.output<typeof VulnerabilityIgnoreSchema>;
export type RuleSetting = z.output<typeof RuleSettingSchema>;
