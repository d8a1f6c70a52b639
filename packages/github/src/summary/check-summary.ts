import { security } from '@eds/core';
import { securityLine } from './deployment-summary.js';
import { code, table } from './markdown.js';

const SHOWN = 50;

/** The job summary of `check`: the decision, every counted finding (capped) and the reports written. */
export function checkSummary(result: security.SecurityCheckResult, written: string[]): string {
  const audit = security.toAuditSummary(result);
  const out = [
    `## ${audit.decision.blocked ? '🚫' : '✅'} EDS check: ${result.environment}`,
    securityLine(audit),
  ];
  const counted = result.findings.filter((f) => !f.exemption);
  if (counted.length) {
    out.push(
      table(
        ['Severity', 'Blocks', 'Rule', 'Resource', 'Where', 'Finding', 'Fix'],
        counted
          .slice(0, SHOWN)
          .map((f) => [
            f.severity,
            f.blocking ? 'yes' : 'no',
            f.ruleId,
            f.resource,
            `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}`,
            f.message,
            f.remediation,
          ]),
      ),
    );
    if (counted.length > SHOWN) out.push(`… and ${counted.length - SHOWN} more (see the reports).`);
  }
  if (written.length) out.push(`Reports: ${written.map(code).join(', ')}`);
  return `${out.join('\n\n')}\n`;
}

/** The job summary of `render`. */
export function renderSummary(environment: string, hash: string, files: string[]): string {
  const out = [`## EDS render: ${environment}`, `Configuration hash ${code(hash)}`];
  if (files.length)
    out.push(
      table(
        ['File'],
        files.map((f) => [code(f)]),
      ),
    );
  return `${out.join('\n\n')}\n`;
}
