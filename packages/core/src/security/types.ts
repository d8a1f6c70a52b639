/** Shared vocabulary of the security validator: severities, tiers, findings, notes and results. */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const TIERS = ['DEV', 'STAGING', 'PROD'] as const;
export type Tier = (typeof TIERS)[number];

/** A Kubernetes object named the way `kubectl` names it. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Where a finding points. `path` is the YAML path inside the document; `line` is 1-based when known. */
export interface FindingLocation {
  file: string;
  documentIndex?: number;
  path?: readonly (string | number)[];
  line?: number;
}

export type ExemptionSource = 'policy' | 'annotation' | 'ignore-list';

/** Why a finding does not count: who exempted it, for what reason, until when. */
export interface ExemptionUse {
  source: ExemptionSource;
  ruleId: string;
  resource: string;
  reason: string;
  /** ISO date (YYYY-MM-DD) after which the exemption stops applying; annotations may have none. */
  expires?: string;
  /** Where the exemption was written (policy file and path, or the annotated resource). */
  location?: FindingLocation;
}

export type FindingCategory = 'manifest' | 'policy' | 'vulnerability';

export interface VulnerabilityDetails {
  id: string;
  package: string;
  installedVersion?: string;
  fixedVersion?: string;
  fix: 'available' | 'none' | 'unknown';
  rawSeverity: string;
  target?: string;
  url?: string;
  reportFormat: string;
}

export interface Finding {
  ruleId: string;
  category: FindingCategory;
  severity: Severity;
  title: string;
  /** What is wrong, for a human. Never contains a secret value: literals are masked before they get here. */
  message: string;
  remediation: string;
  /** `Kind/namespace/name` (or the vulnerable package for vulnerabilities). */
  resource: string;
  location: FindingLocation;
  container?: string;
  exemption?: ExemptionUse;
  /** At or above the environment's threshold and not exempted. */
  blocking: boolean;
  vulnerability?: VulnerabilityDetails;
}

/**
 * A resource (or a vulnerability report) and the rules evaluated against it. Kept compact (the rule list is shared
 * by all resources of a kind) because a large check has hundreds of thousands of rule x resource pairs; expand it
 * with `listChecks()`.
 */
export interface CheckedResource {
  category: FindingCategory;
  resource: string;
  location: FindingLocation;
  ruleIds: readonly string[];
}

/** One rule evaluated against one resource, with its outcome: the unit of the JUnit report and of "what was checked". */
export interface CheckRecord {
  ruleId: string;
  category: FindingCategory;
  resource: string;
  location: FindingLocation;
  outcome: 'passed' | 'failed' | 'exempted';
}

export interface SecurityNote {
  file?: string;
  documentIndex?: number;
  message: string;
}

export interface Decision {
  blocked: boolean;
  /** Lowest severity that blocks manifest findings in this environment. */
  threshold: Severity;
  /** Lowest severity that blocks vulnerabilities in this environment. */
  vulnerabilityThreshold: Severity;
  blocking: Finding[];
}

export interface SecurityCheckResult {
  environment: string;
  tier: Tier;
  /** `sha256:<hex>` of the effective policy: the same policy gives the same version on every runner. */
  policyVersion: string;
  findings: Finding[];
  /** What was checked; `listChecks(result)` gives one record per rule x resource with its outcome. */
  checked: CheckedResource[];
  decision: Decision;
  exemptionsUsed: ExemptionUse[];
  notes: SecurityNote[];
}
