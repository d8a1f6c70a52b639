import { z } from 'zod';
import type { RatedSeverity, Vulnerability, VulnerabilityReport } from './types.js';
import { validateReport } from './json.js';

const PropertiesSchema = z
  .looseObject({ 'security-severity': z.union([z.string(), z.number()]).optional() })
  .optional();

const RuleSchema = z.looseObject({
  id: z.string().min(1),
  shortDescription: z.looseObject({ text: z.string() }).optional(),
  helpUri: z.string().optional(),
  properties: PropertiesSchema,
});

const ResultSchema = z.looseObject({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().optional(),
  rule: z.looseObject({ id: z.string().optional(), index: z.number().int().optional() }).optional(),
  kind: z.string().optional(),
  level: z.enum(['none', 'note', 'warning', 'error']).optional(),
  message: z.looseObject({
    text: z.string().optional(),
    markdown: z.string().optional(),
    id: z.string().optional(),
  }),
  locations: z
    .array(
      z.looseObject({
        physicalLocation: z
          .looseObject({ artifactLocation: z.looseObject({ uri: z.string().optional() }).optional() })
          .optional(),
      }),
    )
    .optional(),
  suppressions: z.array(z.looseObject({ status: z.string().optional() })).optional(),
  baselineState: z.string().optional(),
  fixes: z.array(z.unknown()).optional(),
  properties: PropertiesSchema,
});

const SarifSchema = z.looseObject({
  version: z.literal('2.1.0'),
  runs: z.array(
    z.looseObject({
      tool: z.looseObject({
        driver: z.looseObject({
          name: z.string(),
          version: z.string().optional(),
          rules: z.array(RuleSchema).optional(),
        }),
      }),
      results: z.array(ResultSchema).nullish(),
    }),
  ),
});

type SarifRule = z.output<typeof RuleSchema>;
type SarifResult = z.output<typeof ResultSchema>;

export function looksLikeSarif(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return (
    Array.isArray(record.runs) && (typeof record.version === 'string' || typeof record.$schema === 'string')
  );
}

export function parseSarifReport(data: unknown, file: string): VulnerabilityReport {
  const log = validateReport(SarifSchema, data, file, 'SARIF 2.1.0');
  const vulnerabilities: Vulnerability[] = [];
  let tool: VulnerabilityReport['tool'] = { name: 'SARIF' };
  for (const run of log.runs) {
    const driver = run.tool.driver;
    tool = driver.version ? { name: driver.name, version: driver.version } : { name: driver.name };
    const rules = driver.rules ?? [];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    for (const result of run.results ?? []) {
      // Passing, suppressed and fixed results are not open problems.
      if (result.kind !== undefined && result.kind !== 'fail') continue;
      if (result.suppressions?.some((s) => s.status === undefined || s.status === 'accepted')) continue;
      if (result.baselineState === 'absent') continue;
      const rule = ruleOf(result, rules, byId);
      vulnerabilities.push(toVulnerability(result, rule));
    }
  }
  return { file, format: 'sarif', tool, vulnerabilities };
}

function ruleOf(
  result: SarifResult,
  rules: readonly SarifRule[],
  byId: Map<string, SarifRule>,
): SarifRule | undefined {
  const index = result.ruleIndex ?? result.rule?.index;
  if (index !== undefined && rules[index]) return rules[index];
  const id = result.ruleId ?? result.rule?.id;
  return id !== undefined ? byId.get(id) : undefined;
}

function toVulnerability(result: SarifResult, rule: SarifRule | undefined): Vulnerability {
  const id = result.ruleId ?? result.rule?.id ?? rule?.id ?? 'unknown-rule';
  const text = result.message.text ?? result.message.markdown ?? '';
  // Trivy and similar scanners write `Package: x`, `Installed Version: y`, `Fixed Version: z` into the message.
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(text)?.[1]?.trim();
  const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
  const { severity, raw } = severityOf(result, rule);
  const fixedVersion = field('Fixed Version');
  const vuln: Vulnerability = {
    id,
    package: field('Package') ?? uri ?? id,
    fix: fixedVersion ? 'available' : result.fixes && result.fixes.length > 0 ? 'available' : 'unknown',
    severity,
    rawSeverity: raw,
  };
  const installed = field('Installed Version');
  if (installed) vuln.installedVersion = installed;
  if (fixedVersion) vuln.fixedVersion = fixedVersion;
  const title = rule?.shortDescription?.text ?? text.split('\n')[0];
  if (title) vuln.title = title;
  if (rule?.helpUri) vuln.url = rule.helpUri;
  if (uri) vuln.target = uri;
  return vuln;
}

/** `security-severity` (a CVSS-like score) on the rule or the result; otherwise the SARIF level. */
function severityOf(
  result: SarifResult,
  rule: SarifRule | undefined,
): { severity: RatedSeverity; raw: string } {
  const score = rule?.properties?.['security-severity'] ?? result.properties?.['security-severity'];
  if (score !== undefined) {
    const value = Number(score);
    if (Number.isFinite(value)) return { severity: severityFromScore(value), raw: String(score) };
    return { severity: 'unknown', raw: String(score) };
  }
  // SARIF's default level is "warning".
  const level = result.level ?? 'warning';
  const byLevel: Record<string, RatedSeverity> = {
    error: 'high',
    warning: 'medium',
    note: 'low',
    none: 'low',
  };
  return { severity: byLevel[level] ?? 'unknown', raw: level };
}

/** GitHub's bands: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low below. */
export function severityFromScore(score: number): RatedSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score >= 0) return 'low';
  return 'unknown';
}
