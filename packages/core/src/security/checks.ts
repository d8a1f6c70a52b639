import type { CheckRecord, Finding, SecurityCheckResult } from './types.js';
import { VULNERABILITY_GATE_CHECK } from './vulnerabilities/gate.js';

/**
 * One record per rule x resource checked, with its outcome: `failed` when a finding counts, `exempted` when all its
 * findings are exempted, `passed` otherwise. A report's gate check fails when the report has a blocking finding.
 */
export function listChecks(result: SecurityCheckResult): CheckRecord[] {
  const byKey = new Map<string, Finding[]>();
  const blockingReports = new Set<string>();
  for (const finding of result.findings) {
    const key = checkKey(finding.ruleId, finding.resource);
    const list = byKey.get(key);
    if (list) list.push(finding);
    else byKey.set(key, [finding]);
    if (finding.category === 'vulnerability' && finding.blocking) blockingReports.add(finding.location.file);
  }
  const records: CheckRecord[] = [];
  const seen = new Set<string>();
  for (const checked of result.checked) {
    for (const ruleId of checked.ruleIds) {
      const key = checkKey(ruleId, checked.resource);
      if (seen.has(key)) continue;
      seen.add(key);
      let outcome: CheckRecord['outcome'];
      if (ruleId === VULNERABILITY_GATE_CHECK)
        outcome = blockingReports.has(checked.resource) ? 'failed' : 'passed';
      else {
        const findings = byKey.get(key) ?? [];
        outcome = findings.some((f) => !f.exemption) ? 'failed' : findings.length > 0 ? 'exempted' : 'passed';
      }
      records.push({
        ruleId,
        category: checked.category,
        resource: checked.resource,
        location: checked.location,
        outcome,
      });
    }
  }
  return records;
}

export function checkKey(ruleId: string, resource: string): string {
  return `${ruleId}\u0000${resource}`;
}
