import { emptySeverityCounts } from './severity.js';
import type { ExemptionUse, SecurityCheckResult, Severity, Tier } from './types.js';

/** What the deployment record keeps of a check: small, stable, no secrets. */
export interface SecurityAuditSummary {
  policyVersion: string;
  environment: string;
  tier: Tier;
  /** Findings that count (exempted ones excluded), by severity. */
  countsBySeverity: Record<Severity, number>;
  exemptedCount: number;
  decision: {
    blocked: boolean;
    threshold: Severity;
    vulnerabilityThreshold: Severity;
    blockingCount: number;
    /** The first blocking findings (capped, so one bad image does not bloat the record). */
    blocking: { ruleId: string; severity: Severity; resource: string; file: string; line?: number }[];
  };
  exemptionsUsed: ExemptionUse[];
}

const MAX_BLOCKING_IN_RECORD = 50;

export function toAuditSummary(result: SecurityCheckResult): SecurityAuditSummary {
  const countsBySeverity = emptySeverityCounts();
  let exemptedCount = 0;
  for (const finding of result.findings) {
    if (finding.exemption) exemptedCount++;
    else countsBySeverity[finding.severity]++;
  }
  return {
    policyVersion: result.policyVersion,
    environment: result.environment,
    tier: result.tier,
    countsBySeverity,
    exemptedCount,
    decision: {
      blocked: result.decision.blocked,
      threshold: result.decision.threshold,
      vulnerabilityThreshold: result.decision.vulnerabilityThreshold,
      blockingCount: result.decision.blocking.length,
      blocking: result.decision.blocking.slice(0, MAX_BLOCKING_IN_RECORD).map((finding) => {
        const entry: SecurityAuditSummary['decision']['blocking'][number] = {
          ruleId: finding.ruleId,
          severity: finding.severity,
          resource: finding.resource,
          file: finding.location.file,
        };
        if (finding.location.line !== undefined) entry.line = finding.location.line;
        return entry;
      }),
    },
    exemptionsUsed: result.exemptionsUsed,
  };
}
