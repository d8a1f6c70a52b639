import { redact } from '../../secrets/index.js';
import { listChecks } from '../checks.js';
import { getRule, isKnownRuleId, RULES } from '../rules/index.js';
import { formatLocation } from '../result.js';
import { compareSeverityDesc, emptySeverityCounts } from '../severity.js';
import { SEVERITIES, type Finding, type SecurityCheckResult } from '../types.js';
import { yamlPathText } from './common.js';

/**
 * The compliance report: decision first, then what was checked, what failed (with where and how to fix), what was
 * exempted and why, and what passed. Written for a job summary or an MR comment.
 */
export function toMarkdown(result: SecurityCheckResult): string {
  const out: string[] = [];
  const { decision } = result;
  out.push(`# EDS security check: ${cell(result.environment)} (${result.tier})`, '');
  out.push(
    decision.blocked
      ? `**Decision: BLOCKED** — ${decision.blocking.length} finding(s) at or above the threshold.`
      : '**Decision: PASSED** — no finding at or above the threshold.',
    '',
  );
  out.push(
    `- Blocking threshold: manifests **${decision.threshold}** and above, vulnerabilities **${decision.vulnerabilityThreshold}** and above`,
    `- Policy version: \`${result.policyVersion}\``,
    '',
  );

  out.push('## Summary', '', '| Severity | Findings | Blocking | Exempted |', '| --- | ---: | ---: | ---: |');
  const counts = {
    all: emptySeverityCounts(),
    blocking: emptySeverityCounts(),
    exempted: emptySeverityCounts(),
  };
  for (const finding of result.findings) {
    counts.all[finding.severity]++;
    if (finding.blocking) counts.blocking[finding.severity]++;
    if (finding.exemption) counts.exempted[finding.severity]++;
  }
  for (const severity of [...SEVERITIES].reverse()) {
    out.push(
      `| ${severity} | ${counts.all[severity]} | ${counts.blocking[severity]} | ${counts.exempted[severity]} |`,
    );
  }
  out.push('');

  out.push(...checkedSection(result));
  const blocking = sorted(result.findings.filter((f) => f.blocking));
  const other = sorted(result.findings.filter((f) => !f.blocking && !f.exemption));
  const exempted = result.findings.filter((f) => f.exemption);
  out.push(`## Failed: blocking (${blocking.length})`, '');
  out.push(...(blocking.length ? findingTable(blocking) : ['None.']), '');
  out.push(`## Failed: not blocking (${other.length})`, '');
  out.push(...(other.length ? findingTable(other) : ['None.']), '');
  out.push(`## Exempted (${exempted.length})`, '');
  if (exempted.length === 0) out.push('None.');
  else {
    out.push(
      '| Rule | Resource | Finding | Exempted by | Reason | Expires |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const f of exempted) {
      const use = f.exemption;
      out.push(
        `| ${cell(f.ruleId)} | ${cell(f.resource)} | ${cell(f.message)} | ${use?.source ?? ''} | ${cell(use?.reason ?? '')} | ${use?.expires ?? 'never'} |`,
      );
    }
  }
  out.push('');
  if (result.notes.length > 0) {
    out.push(
      '## Notes',
      '',
      ...result.notes.map((note) => `- ${cell(note.file ? `${note.file}: ${note.message}` : note.message)}`),
      '',
    );
  }
  return redact(out.join('\n'));
}

function checkedSection(result: SecurityCheckResult): string[] {
  const checks = listChecks(result);
  const resources = new Set(checks.filter((c) => c.category === 'manifest').map((c) => c.resource));
  const perRule = new Map<string, { passed: number; failed: number; exempted: number }>();
  for (const check of checks) {
    const entry = perRule.get(check.ruleId) ?? { passed: 0, failed: 0, exempted: 0 };
    entry[check.outcome]++;
    perRule.set(check.ruleId, entry);
  }
  const lines = [
    '## What was checked',
    '',
    `${resources.size} Kubernetes resource(s) against ${RULES.filter((r) => r.check).length} manifest rules; ${checks.length} checks in all.`,
    '',
    '| Rule | Severity | Title | Passed | Failed | Exempted |',
    '| --- | --- | --- | ---: | ---: | ---: |',
  ];
  const manifestRules = [...perRule.keys()].filter((id) => isKnownRuleId(id));
  for (const id of manifestRules) {
    const rule = getRule(id);
    const entry = perRule.get(id) ?? { passed: 0, failed: 0, exempted: 0 };
    lines.push(
      `| \`${id}\` | ${rule.severity} | ${cell(rule.title)} | ${entry.passed} | ${entry.failed} | ${entry.exempted} |`,
    );
  }
  const vulnerabilityChecks = checks.filter(
    (c) => c.category === 'vulnerability' && !isKnownRuleId(c.ruleId),
  );
  if (vulnerabilityChecks.length > 0) {
    const reports = vulnerabilityChecks.filter((c) => c.ruleId === 'vulnerability-gate');
    lines.push(
      '',
      `Vulnerability reports: ${reports.map((c) => `\`${cell(c.resource)}\` (${c.outcome})`).join(', ')}.`,
    );
  }
  lines.push('');
  return lines;
}

function sorted(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => compareSeverityDesc(a.severity, b.severity));
}

function findingTable(findings: readonly Finding[]): string[] {
  const rows = [
    '| Severity | Rule | Resource | Location | Finding | Remediation |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of findings) {
    const path = yamlPathText(f.location.path);
    rows.push(
      `| ${f.severity} | \`${cell(f.ruleId)}\` | ${cell(f.resource)} | ${cell(formatLocation(f))}${path ? ` <br>\`${cell(path)}\`` : ''} | ${cell(f.message)} | ${cell(f.remediation)} |`,
    );
  }
  return rows;
}

/** Make text safe inside a Markdown table cell: no pipes, no line breaks, no raw HTML (user text is not trusted). */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}
