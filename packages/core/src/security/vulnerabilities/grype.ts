import { z } from 'zod';
import type { RatedSeverity, Vulnerability, VulnerabilityReport } from './types.js';
import { validateReport } from './json.js';

const GrypeMatchSchema = z.looseObject({
  vulnerability: z.looseObject({
    id: z.string().min(1),
    severity: z.string().optional(),
    dataSource: z.string().optional(),
    description: z.string().optional(),
    fix: z.looseObject({ state: z.string().optional(), versions: z.array(z.string()).nullish() }).optional(),
  }),
  artifact: z.looseObject({
    name: z.string(),
    version: z.string().optional(),
    type: z.string().optional(),
    purl: z.string().optional(),
  }),
});

const GrypeReportSchema = z.looseObject({
  matches: z.array(GrypeMatchSchema),
  source: z.looseObject({ type: z.string().optional(), target: z.unknown().optional() }).optional(),
  descriptor: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional(),
});

const SEVERITY: Record<string, RatedSeverity> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  // Grype's Negligible is below Low; ours has no lower level.
  negligible: 'low',
  unknown: 'unknown',
};

const FIX_STATE: Record<string, Vulnerability['fix']> = {
  fixed: 'available',
  'not-fixed': 'none',
  'wont-fix': 'none',
  unknown: 'unknown',
};

export function looksLikeGrype(data: unknown): boolean {
  return (
    typeof data === 'object' && data !== null && Array.isArray((data as Record<string, unknown>).matches)
  );
}

export function parseGrypeReport(data: unknown, file: string): VulnerabilityReport {
  const report = validateReport(GrypeReportSchema, data, file, 'Grype JSON');
  const target = targetName(report.source?.target);
  const vulnerabilities = report.matches.map((match): Vulnerability => {
    const raw = match.vulnerability.severity ?? 'Unknown';
    const fixedVersions = match.vulnerability.fix?.versions ?? [];
    const vuln: Vulnerability = {
      id: match.vulnerability.id,
      package: match.artifact.name,
      fix: FIX_STATE[match.vulnerability.fix?.state ?? 'unknown'] ?? 'unknown',
      severity: SEVERITY[raw.toLowerCase()] ?? 'unknown',
      rawSeverity: raw,
    };
    if (match.artifact.version) vuln.installedVersion = match.artifact.version;
    if (fixedVersions.length > 0) vuln.fixedVersion = fixedVersions.join(', ');
    if (match.vulnerability.dataSource) vuln.url = match.vulnerability.dataSource;
    if (match.vulnerability.description) vuln.title = firstSentence(match.vulnerability.description);
    if (target) vuln.target = target;
    return vuln;
  });
  const tool: VulnerabilityReport['tool'] = { name: 'Grype' };
  if (report.descriptor?.version) tool.version = report.descriptor.version;
  return { file, format: 'grype', tool, vulnerabilities };
}

/** Grype's source.target is a string for directories and an object (`userInput`) for images. */
function targetName(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target === 'object' && target !== null) {
    const userInput = (target as Record<string, unknown>).userInput;
    if (typeof userInput === 'string') return userInput;
  }
  return undefined;
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
