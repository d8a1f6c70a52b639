import { createHash } from 'node:crypto';
import { RULES, isKnownRuleId, unknownRuleError } from '../rules/index.js';
import type { RuleParameters } from '../rules/types.js';
import type { Severity, Tier } from '../types.js';
import { formatPath, sourceOfPolicy } from './parse.js';
import type { Exemption, Policy, VulnerabilityIgnore } from './schema.js';

/** Blocking thresholds when the policy says nothing: strict where it matters. */
export const DEFAULT_THRESHOLDS: Readonly<Record<Tier, Severity>> = {
  DEV: 'critical',
  STAGING: 'high',
  PROD: 'medium',
};
/** Vulnerability thresholds: a medium CVE is common and rarely exploitable in context, so PROD blocks from high. */
export const DEFAULT_VULNERABILITY_THRESHOLDS: Readonly<Record<Tier, Severity>> = {
  DEV: 'critical',
  STAGING: 'high',
  PROD: 'high',
};
export const DEFAULT_ALLOWED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/** Where in a policy file an entry was written (for findings about exemptions). */
export interface PolicyOrigin {
  file?: string;
  /** Dotted form for people: `environments.prod.policy.exemptions[0]`. */
  path: string;
  /** The same as YAML path segments, for line lookups and SARIF. */
  segments: (string | number)[];
}

export type LocatedExemption = Exemption & { origin: PolicyOrigin };
export type LocatedIgnore = VulnerabilityIgnore & { origin: PolicyOrigin };

/** A policy with every default filled in, for one environment: what the engine and the gate run on. */
export interface EffectivePolicy {
  tier: Tier;
  threshold: Severity;
  rules: Record<string, { enabled: boolean; severity: Severity }>;
  parameters: RuleParameters;
  exemptions: LocatedExemption[];
  vulnerabilities: {
    threshold: Severity;
    onlyFixed: boolean;
    unknownSeverity: Severity;
    ignore: LocatedIgnore[];
    reports: string[];
  };
}

/**
 * Merge policy layers (the application's `policy:` first, then the environment's `policy:`) over the defaults of
 * the tier. Scalars and parameters are overridden by later layers, rule settings per rule, and exemptions and
 * ignore lists accumulate.
 */
export function resolvePolicy(layers: Policy | readonly Policy[] | undefined, tier: Tier): EffectivePolicy {
  const list: readonly Policy[] =
    layers === undefined ? [] : Array.isArray(layers) ? layers : [layers as Policy];
  const effective: EffectivePolicy = {
    tier,
    threshold: DEFAULT_THRESHOLDS[tier],
    rules: Object.fromEntries(RULES.map((rule) => [rule.id, { enabled: true, severity: rule.severity }])),
    parameters: {
      allowedRegistries: [],
      requireDigest: tier === 'PROD',
      allowedCapabilities: DEFAULT_ALLOWED_CAPABILITIES,
    },
    exemptions: [],
    vulnerabilities: {
      threshold: DEFAULT_VULNERABILITY_THRESHOLDS[tier],
      onlyFixed: false,
      // Fail closed: a vulnerability the scanner cannot rate is treated as serious until someone rates it.
      unknownSeverity: 'high',
      ignore: [],
      reports: [],
    },
  };
  for (const layer of list) applyLayer(effective, layer, tier);
  return effective;
}

function applyLayer(effective: EffectivePolicy, layer: Policy, tier: Tier): void {
  const source = sourceOfPolicy(layer);
  const prefix = source?.pathPrefix ?? 'policy';
  const origin = (path: readonly PropertyKey[]): PolicyOrigin => {
    const segments = [
      ...prefix.split('.').filter(Boolean),
      ...path.map((p) => (typeof p === 'number' ? p : String(p))),
    ];
    const at: PolicyOrigin = { path: formatPath(prefix, path), segments };
    if (source?.file !== undefined) at.file = source.file;
    return at;
  };
  const tierThreshold = layer.thresholds?.[tier];
  if (tierThreshold) effective.threshold = tierThreshold;
  if (layer.threshold) effective.threshold = layer.threshold;
  for (const [id, setting] of Object.entries(layer.rules ?? {})) {
    const current = effective.rules[id];
    // The schema already rejects unknown ids; this catches a Policy built in code without parsePolicy.
    if (!current) throw unknownRuleError(id, origin(['rules', id]));
    if (typeof setting === 'boolean') current.enabled = setting;
    else {
      if (setting.enabled !== undefined) current.enabled = setting.enabled;
      if (setting.severity !== undefined) current.severity = setting.severity;
    }
  }
  const parameters = layer.parameters;
  if (parameters?.allowedRegistries) effective.parameters.allowedRegistries = parameters.allowedRegistries;
  if (parameters?.requireDigest !== undefined) effective.parameters.requireDigest = parameters.requireDigest;
  if (parameters?.allowedCapabilities)
    effective.parameters.allowedCapabilities = parameters.allowedCapabilities;
  (layer.exemptions ?? []).forEach((exemption, index) => {
    if (!isKnownRuleId(exemption.rule))
      throw unknownRuleError(exemption.rule, origin(['exemptions', index, 'rule']));
    effective.exemptions.push({ ...exemption, origin: origin(['exemptions', index]) });
  });
  const vulns = layer.vulnerabilities;
  if (vulns) {
    const vulnTier = vulns.thresholds?.[tier];
    if (vulnTier) effective.vulnerabilities.threshold = vulnTier;
    if (vulns.threshold) effective.vulnerabilities.threshold = vulns.threshold;
    if (vulns.onlyFixed !== undefined) effective.vulnerabilities.onlyFixed = vulns.onlyFixed;
    if (vulns.unknownSeverity) effective.vulnerabilities.unknownSeverity = vulns.unknownSeverity;
    if (vulns.reports) effective.vulnerabilities.reports = vulns.reports;
    (vulns.ignore ?? []).forEach((entry, index) =>
      effective.vulnerabilities.ignore.push({
        ...entry,
        origin: origin(['vulnerabilities', 'ignore', index]),
      }),
    );
  }
}

/**
 * `sha256:<hex>` of the effective policy in a canonical form (sorted keys, no file locations): the "policy
 * version" written to the deployment record, equal on every runner for the same policy.
 */
export function policyVersion(policy: EffectivePolicy): string {
  const canonical = canonicalJson({
    tier: policy.tier,
    threshold: policy.threshold,
    rules: policy.rules,
    parameters: policy.parameters,
    exemptions: policy.exemptions.map(({ origin: _origin, ...rest }) => rest),
    vulnerabilities: {
      ...policy.vulnerabilities,
      ignore: policy.vulnerabilities.ignore.map(({ origin: _origin, ...rest }) => rest),
    },
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
