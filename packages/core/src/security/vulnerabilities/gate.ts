import { getRule } from '../rules/index.js';
import { isExpired } from '../policy/expiry.js';
import {
  policyVersion,
  resolvePolicy,
  type EffectivePolicy,
  type LocatedIgnore,
} from '../policy/effective.js';
import type { Policy } from '../policy/schema.js';
import { atLeast } from '../severity.js';
import type {
  CheckedResource,
  ExemptionUse,
  Finding,
  SecurityCheckResult,
  SecurityNote,
  Severity,
  Tier,
} from '../types.js';
import type { Vulnerability, VulnerabilityReport } from './types.js';

export interface GateOptions {
  policy?: Policy | readonly Policy[];
  environment: string;
  tier: Tier;
  now?: Date;
}

/** The pseudo-rule under which each report gets one JUnit test case ("this report passes the gate"). */
export const VULNERABILITY_GATE_CHECK = 'vulnerability-gate';

/**
 * Decide on parsed vulnerability reports: blocking = at or above the environment's vulnerability threshold,
 * not on the ignore list, and (with `onlyFixed`) not known to be unfixable.
 */
export function gateVulnerabilities(
  reports: readonly VulnerabilityReport[],
  options: GateOptions,
): SecurityCheckResult {
  const policy = resolvePolicy(options.policy, options.tier);
  const now = options.now ?? new Date();
  const settings = policy.vulnerabilities;
  const valid = settings.ignore.filter((entry) => !isExpired(entry.expires, now));
  const expired = settings.ignore.filter((entry) => isExpired(entry.expires, now));
  const findings: Finding[] = [];
  const checked: CheckedResource[] = [];
  const exemptionsUsed = new Map<string, ExemptionUse>();
  const notes: SecurityNote[] = [];
  const used = new Set<LocatedIgnore>();

  for (const report of reports) {
    const seen = new Set<string>();
    for (const vuln of report.vulnerabilities) {
      // Scanners list a vulnerability once per path it was found in; one finding per package version is enough.
      const key = `${vuln.id}|${vuln.package}|${vuln.installedVersion ?? ''}|${vuln.target ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const finding = toFinding(vuln, report, policy);
      const ignore = valid.find((entry) => ignores(entry, vuln));
      if (ignore) {
        used.add(ignore);
        const use: ExemptionUse = {
          source: 'ignore-list',
          ruleId: vuln.id,
          resource: finding.resource,
          reason: ignore.reason,
          expires: ignore.expires,
          location: { file: ignore.origin.file ?? 'eds.yaml', path: ignore.origin.segments },
        };
        finding.exemption = use;
        exemptionsUsed.set(`${vuln.id}|${finding.resource}`, use);
      } else {
        const lapsed = expired.find((entry) => ignores(entry, vuln));
        if (lapsed) finding.message += ` (ignore entry ${lapsed.origin.path} expired on ${lapsed.expires})`;
        const severe = atLeast(finding.severity, settings.threshold);
        const spared = settings.onlyFixed && vuln.fix === 'none';
        finding.blocking = severe && !spared;
        if (severe && spared)
          finding.message += ' (not blocking: no fix available and policy blocks only fixable ones)';
      }
      findings.push(finding);
      checked.push({
        category: 'vulnerability',
        resource: finding.resource,
        location: finding.location,
        ruleIds: [vuln.id],
      });
    }
    checked.push({
      category: 'vulnerability',
      resource: report.file,
      location: { file: report.file },
      ruleIds: [VULNERABILITY_GATE_CHECK],
    });
    notes.push({
      file: report.file,
      message: `${report.tool.name} report (${report.format}): ${report.vulnerabilities.length} vulnerabilities listed`,
    });
  }

  for (const entry of expired) {
    const finding = expiredIgnoreFinding(entry, policy);
    findings.push(finding);
    checked.push({
      category: 'policy',
      resource: finding.resource,
      location: finding.location,
      ruleIds: [finding.ruleId],
    });
  }
  for (const entry of valid) {
    if (!used.has(entry))
      notes.push({
        file: entry.origin.file,
        message: `ignore entry ${entry.origin.path} (${entry.id}) matched nothing`,
      });
  }
  const blocking = findings.filter((finding) => finding.blocking);
  return {
    environment: options.environment,
    tier: options.tier,
    policyVersion: policyVersion(policy),
    findings,
    checked,
    decision: {
      blocked: blocking.length > 0,
      threshold: policy.threshold,
      vulnerabilityThreshold: settings.threshold,
      blocking,
    },
    exemptionsUsed: [...exemptionsUsed.values()],
    notes,
  };
}

function toFinding(vuln: Vulnerability, report: VulnerabilityReport, policy: EffectivePolicy): Finding {
  const severity: Severity =
    vuln.severity === 'unknown' ? policy.vulnerabilities.unknownSeverity : vuln.severity;
  const version = vuln.installedVersion ? ` ${vuln.installedVersion}` : '';
  const fix =
    vuln.fix === 'available'
      ? `fixed in ${vuln.fixedVersion ?? 'a newer version'}`
      : vuln.fix === 'none'
        ? 'no fix available'
        : 'fix status unknown';
  const rated =
    vuln.severity === 'unknown' ? `${vuln.rawSeverity}, treated as ${severity}` : vuln.rawSeverity;
  const finding: Finding = {
    ruleId: vuln.id,
    category: 'vulnerability',
    severity,
    title: vuln.title ?? vuln.id,
    message: `${vuln.id} in ${vuln.package}${version} (${rated}; ${fix})${vuln.target ? ` in ${vuln.target}` : ''}`,
    remediation:
      vuln.fix === 'available'
        ? `Upgrade ${vuln.package} to ${vuln.fixedVersion ?? 'a fixed version'} (rebuild the image on a patched base).`
        : `No fixed version known: replace ${vuln.package}, or add a reviewed ignore entry with a reason and an expiry date.`,
    resource: `${vuln.package}${version}`,
    location: { file: report.file },
    blocking: false,
    vulnerability: {
      id: vuln.id,
      package: vuln.package,
      fix: vuln.fix,
      rawSeverity: vuln.rawSeverity,
      reportFormat: report.format,
    },
  };
  const details = finding.vulnerability;
  if (details) {
    if (vuln.installedVersion) details.installedVersion = vuln.installedVersion;
    if (vuln.fixedVersion) details.fixedVersion = vuln.fixedVersion;
    if (vuln.target) details.target = vuln.target;
    if (vuln.url) details.url = vuln.url;
  }
  return finding;
}

function ignores(entry: LocatedIgnore, vuln: Vulnerability): boolean {
  return (
    entry.id.toUpperCase() === vuln.id.toUpperCase() &&
    (entry.package === undefined || entry.package === vuln.package)
  );
}

function expiredIgnoreFinding(entry: LocatedIgnore, policy: EffectivePolicy): Finding {
  const rule = getRule('exemption-expired');
  const severity = policy.rules[rule.id]?.severity ?? rule.severity;
  return {
    ruleId: rule.id,
    category: 'policy',
    severity,
    title: rule.title,
    message: `ignore entry ${entry.origin.path} for ${entry.id} expired on ${entry.expires}; it no longer applies`,
    remediation: rule.remediation,
    resource: entry.package ? `${entry.id} in ${entry.package}` : entry.id,
    location: { file: entry.origin.file ?? 'eds.yaml', path: entry.origin.segments },
    blocking: policy.rules[rule.id]?.enabled !== false && atLeast(severity, policy.threshold),
  };
}
