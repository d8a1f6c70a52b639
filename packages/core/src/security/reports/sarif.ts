import { redact } from '../../secrets/index.js';
import { RULES } from '../rules/index.js';
import type { RuleDefinition } from '../rules/types.js';
import { compareSeverityDesc } from '../severity.js';
import type { Finding, SecurityCheckResult, Severity } from '../types.js';
import { fingerprintOf, relativeUri, SECURITY_SEVERITY_SCORE, yamlPathText } from './common.js';

export const SARIF_SCHEMA_URI =
  'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';
/** GitHub code scanning rejects runs with more results than this. */
export const SARIF_MAX_RESULTS = 25_000;

export interface SarifOptions {
  /** Paths in results are made relative to this directory (the repository root), as code scanning expects. */
  baseDir?: string;
  toolVersion?: string;
  informationUri?: string;
}

type Json = Record<string, unknown>;

/** A SARIF 2.1.0 log GitHub code scanning accepts: one run, rules with security-severity, stable fingerprints. */
export function toSarif(result: SecurityCheckResult, options: SarifOptions = {}): string {
  const findings = [...result.findings].sort(
    (a, b) => Number(b.blocking) - Number(a.blocking) || compareSeverityDesc(a.severity, b.severity),
  );
  const kept = findings.slice(0, SARIF_MAX_RESULTS);
  const { rules, indexOf } = buildRules(result, kept);
  const run: Json = {
    tool: {
      driver: {
        name: 'EDS',
        fullName: 'EDS security validator',
        version: options.toolVersion ?? '0.1.0',
        informationUri: options.informationUri ?? 'https://eds.dev',
        rules,
      },
    },
    automationDetails: { id: `eds-security/${result.environment}/` },
    results: kept.map((finding) => toResult(finding, indexOf(finding.ruleId), options.baseDir)),
    properties: {
      environment: result.environment,
      tier: result.tier,
      policyVersion: result.policyVersion,
      blocked: result.decision.blocked,
      threshold: result.decision.threshold,
      vulnerabilityThreshold: result.decision.vulnerabilityThreshold,
      ...(findings.length > kept.length ? { omittedResults: findings.length - kept.length } : {}),
    },
  };
  const log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return redact(JSON.stringify(log, null, 2));
}

function buildRules(
  result: SecurityCheckResult,
  findings: readonly Finding[],
): { rules: Json[]; indexOf: (ruleId: string) => number } {
  const severityOf = new Map<string, Severity>();
  for (const finding of result.findings)
    if (!severityOf.has(finding.ruleId)) severityOf.set(finding.ruleId, finding.severity);
  const rules: Json[] = RULES.map((rule) => ruleDescriptor(rule, severityOf.get(rule.id) ?? rule.severity));
  const index = new Map<string, number>(RULES.map((rule, i) => [rule.id, i]));
  // Vulnerabilities get a rule each (the CVE), like scanners' own SARIF does.
  for (const finding of findings) {
    if (finding.category !== 'vulnerability' || index.has(finding.ruleId)) continue;
    index.set(finding.ruleId, rules.length);
    rules.push(vulnerabilityDescriptor(finding));
  }
  return { rules, indexOf: (ruleId) => index.get(ruleId) ?? -1 };
}

function ruleDescriptor(rule: RuleDefinition, severity: Severity): Json {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: {
      text: `${rule.rationale}\n\nRemediation: ${rule.remediation}`,
      markdown: `${rule.rationale}\n\n**Remediation:** ${rule.remediation}`,
    },
    defaultConfiguration: { level: levelOf(severity) },
    properties: {
      'security-severity': SECURITY_SEVERITY_SCORE[severity],
      tags: ['security', 'kubernetes'],
      precision: 'high',
    },
  };
}

function vulnerabilityDescriptor(finding: Finding): Json {
  const descriptor: Json = {
    id: finding.ruleId,
    shortDescription: { text: finding.title },
    help: { text: finding.remediation },
    defaultConfiguration: { level: levelOf(finding.severity) },
    properties: {
      'security-severity': SECURITY_SEVERITY_SCORE[finding.severity],
      tags: ['security', 'vulnerability'],
    },
  };
  if (finding.vulnerability?.url && /^https?:\/\//.test(finding.vulnerability.url))
    descriptor.helpUri = finding.vulnerability.url;
  return descriptor;
}

function toResult(finding: Finding, ruleIndex: number, baseDir: string | undefined): Json {
  const region: Json = { startLine: finding.location.line ?? 1 };
  const result: Json = {
    ruleId: finding.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: levelOf(finding.severity),
    message: { text: `${finding.message} [${finding.resource}]` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(relativeUri(finding.location.file, baseDir)) },
          region,
        },
        logicalLocations: [
          {
            fullyQualifiedName: finding.resource,
            kind: finding.category === 'vulnerability' ? 'package' : 'resource',
          },
        ],
      },
    ],
    partialFingerprints: { 'edsFinding/v1': fingerprintOf(finding) },
    properties: {
      severity: finding.severity,
      blocking: finding.blocking,
      ...(finding.location.path ? { yamlPath: yamlPathText(finding.location.path) } : {}),
      ...(finding.location.documentIndex !== undefined
        ? { documentIndex: finding.location.documentIndex }
        : {}),
    },
  };
  if (finding.exemption) {
    result.suppressions = [
      {
        kind: finding.exemption.source === 'annotation' ? 'inSource' : 'external',
        status: 'accepted',
        justification: finding.exemption.reason,
      },
    ];
  }
  return result;
}

/** critical/high are errors, medium warnings, low notes: how code scanning ranks them when no score is read. */
function levelOf(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'high'
    ? 'error'
    : severity === 'medium'
      ? 'warning'
      : 'note';
}

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
