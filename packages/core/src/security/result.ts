import { PolicyError } from '../errors/index.js';
import type { ManifestDocument } from './manifests/document.js';
import { checkManifests } from './engine/check-manifests.js';
import type { Policy } from './policy/schema.js';
import { compareSeverityDesc } from './severity.js';
import type { Finding, SecurityCheckResult, SecurityNote, Tier } from './types.js';
import { gateVulnerabilities } from './vulnerabilities/gate.js';
import type { VulnerabilityReport } from './vulnerabilities/types.js';

export interface SecurityCheckOptions {
  documents: readonly ManifestDocument[];
  reports?: readonly VulnerabilityReport[];
  policy?: Policy | readonly Policy[];
  environment: string;
  tier: Tier;
  now?: Date;
  notes?: readonly SecurityNote[];
}

/** The whole check step: manifest rules and the vulnerability gate under one policy, one decision. */
export function runSecurityCheck(options: SecurityCheckOptions): SecurityCheckResult {
  const common = {
    policy: options.policy,
    environment: options.environment,
    tier: options.tier,
    now: options.now,
  };
  const manifests = checkManifests(options.documents, { ...common, notes: options.notes });
  if (!options.reports || options.reports.length === 0) return manifests;
  return combineResults(manifests, gateVulnerabilities(options.reports, common));
}

/** Merge results of the same policy and environment (manifest check + vulnerability gate) into one decision. */
export function combineResults(
  first: SecurityCheckResult,
  ...rest: SecurityCheckResult[]
): SecurityCheckResult {
  const all = [first, ...rest];
  const findings = all.flatMap((result) => result.findings);
  const blocking = findings.filter((finding) => finding.blocking);
  return {
    environment: first.environment,
    tier: first.tier,
    policyVersion: first.policyVersion,
    findings,
    checked: all.flatMap((result) => result.checked),
    decision: {
      blocked: blocking.length > 0,
      threshold: first.decision.threshold,
      vulnerabilityThreshold: first.decision.vulnerabilityThreshold,
      blocking,
    },
    exemptionsUsed: all.flatMap((result) => result.exemptionsUsed),
    notes: all.flatMap((result) => result.notes),
  };
}

/** One line per blocking finding: where, what, how to fix. What `eds deploy` prints before exiting 3. */
export function describeBlocking(result: SecurityCheckResult): string[] {
  return [...result.decision.blocking]
    .sort((a, b) => compareSeverityDesc(a.severity, b.severity))
    .map(
      (finding) =>
        `${formatLocation(finding)}: [${finding.severity}] ${finding.ruleId}: ${finding.message}. Fix: ${finding.remediation}`,
    );
}

/** Throw a PolicyError (exit 3) listing every blocking finding when the result blocks; otherwise return. */
export function assertNotBlocked(result: SecurityCheckResult): void {
  if (!result.decision.blocked) return;
  const lines = describeBlocking(result);
  throw new PolicyError(
    `security policy blocks deployment to ${result.environment} (${result.tier}, blocking at ${result.decision.threshold}+ / vulnerabilities ${result.decision.vulnerabilityThreshold}+): ${lines.length} blocking finding(s)\n${lines.map((line) => `  - ${line}`).join('\n')}`,
    {
      code: 'BLOCKED_BY_POLICY',
      details: {
        policyVersion: result.policyVersion,
        blocking: result.decision.blocking.map((finding) => ({
          ruleId: finding.ruleId,
          severity: finding.severity,
          resource: finding.resource,
          location: finding.location,
          message: finding.message,
          remediation: finding.remediation,
        })),
      },
    },
  );
}

export function formatLocation(finding: Pick<Finding, 'location'>): string {
  const { file, line, documentIndex } = finding.location;
  if (line !== undefined) return `${file}:${line}`;
  if (documentIndex !== undefined) return `${file} (document ${documentIndex})`;
  return file;
}
