/**
 * Security validator (E5): manifest rules, policy per environment, vulnerability gate, SARIF/JUnit/Markdown
 * reports, and the audit summary for the deployment record. The pipeline's check step needs only this file.
 */
export { SEVERITIES, TIERS } from './types.js';
export type {
  Severity,
  Tier,
  ResourceRef,
  Finding,
  FindingLocation,
  FindingCategory,
  ExemptionUse,
  ExemptionSource,
  CheckRecord,
  CheckedResource,
  SecurityNote,
  Decision,
  SecurityCheckResult,
  VulnerabilityDetails,
} from './types.js';
export { atLeast, severityRank, isSeverity } from './severity.js';

// Input: rendered manifests.
export {
  loadManifests,
  loadManifestFiles,
  manifestFromObject,
  kubernetesShapeProblem,
  type ManifestDocument,
  type LoadedManifests,
} from './manifests/document.js';
export { parseImageReference, type ImageReference } from './manifests/image-ref.js';

// Rules.
export { RULES, RULE_IDS, getRule, isKnownRuleId } from './rules/index.js';
export type { RuleDefinition, RuleContext, RuleHit, RuleParameters, RuleScope } from './rules/index.js';
export { findSecret, type SecretMatch } from './detect/secret-patterns.js';

// Policy.
export {
  PolicySchema,
  ExemptionSchema,
  VulnerabilityIgnoreSchema,
  SeveritySchema,
  TierSchema,
  type Policy,
  type PolicyInput,
  type Exemption,
  type VulnerabilityIgnore,
} from './policy/schema.js';
export { parsePolicy, parsePolicyOrThrow, type PolicyParseResult } from './policy/parse.js';
export {
  resolvePolicy,
  policyVersion,
  DEFAULT_THRESHOLDS,
  DEFAULT_VULNERABILITY_THRESHOLDS,
  type EffectivePolicy,
} from './policy/effective.js';
export {
  parseExemptAnnotation,
  EXEMPT_ANNOTATION,
  type AnnotationExemption,
} from './exemptions/annotation.js';

// Checking.
export { checkManifests, type CheckManifestsOptions } from './engine/check-manifests.js';
export {
  runSecurityCheck,
  combineResults,
  assertNotBlocked,
  describeBlocking,
  type SecurityCheckOptions,
} from './result.js';

export { listChecks } from './checks.js';

// Vulnerability reports.
export {
  parseVulnerabilityReport,
  loadVulnerabilityReport,
  loadVulnerabilityReports,
  detectFormat,
  type ParseReportOptions,
} from './vulnerabilities/parse.js';
export { gateVulnerabilities, VULNERABILITY_GATE_CHECK, type GateOptions } from './vulnerabilities/gate.js';
export {
  REPORT_FORMATS,
  type ReportFormat,
  type Vulnerability,
  type VulnerabilityReport,
} from './vulnerabilities/types.js';

// Reports and audit.
export { toSarif, SARIF_SCHEMA_URI, type SarifOptions } from './reports/sarif.js';
export { toJUnit, type JUnitOptions } from './reports/junit.js';
export { toMarkdown } from './reports/markdown.js';
export { fingerprintOf } from './reports/common.js';
export { toAuditSummary, type SecurityAuditSummary } from './audit.js';
