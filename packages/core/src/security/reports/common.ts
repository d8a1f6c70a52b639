import { relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../types.js';

/** Numbers GitHub code scanning reads from `security-severity` to show critical/high/medium/low. */
export const SECURITY_SEVERITY_SCORE: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
};

/** The finding's YAML path as text: `spec.template.spec.containers[0].image`. */
export function yamlPathText(path: readonly (string | number)[] | undefined): string {
  if (!path || path.length === 0) return '';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Identity of a finding that survives unrelated edits (lines move, other objects change): rule, resource, field
 * and container. Code scanning uses it to track an alert across commits.
 */
export function fingerprintOf(finding: Finding): string {
  const key = [
    finding.ruleId,
    finding.resource,
    yamlPathText(finding.location.path),
    finding.container ?? '',
  ].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** Repository-relative, forward-slash path of a file, as SARIF and JUnit consumers expect. */
export function relativeUri(file: string, baseDir: string | undefined): string {
  const rel =
    baseDir !== undefined && (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file))
      ? relative(baseDir, file)
      : file;
  return rel.split(sep).join('/').replace(/\\/g, '/');
}
