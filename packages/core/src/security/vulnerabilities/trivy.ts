import { z } from 'zod';
import type { RatedSeverity, Vulnerability, VulnerabilityReport } from './types.js';
import { validateReport } from './json.js';

const TrivyVulnerabilitySchema = z.looseObject({
  VulnerabilityID: z.string().min(1),
  PkgName: z.string(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  Status: z.string().optional(),
  Severity: z.string(),
  Title: z.string().optional(),
  PrimaryURL: z.string().optional(),
});

const TrivyReportSchema = z.looseObject({
  SchemaVersion: z.number(),
  ArtifactName: z.string().optional(),
  // Trivy omits Results when nothing was scanned (e.g. a scratch image).
  Results: z
    .array(
      z.looseObject({
        Target: z.string(),
        Class: z.string().optional(),
        Type: z.string().optional(),
        Vulnerabilities: z.array(TrivyVulnerabilitySchema).nullish(),
      }),
    )
    .nullish(),
});

const SEVERITY: Record<string, RatedSeverity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  UNKNOWN: 'unknown',
};

// Trivy's Status values that mean "no fix is coming for this version".
const NO_FIX_STATUSES = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life']);

export function looksLikeTrivy(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return 'SchemaVersion' in record && ('Results' in record || 'ArtifactName' in record);
}

export function parseTrivyReport(data: unknown, file: string): VulnerabilityReport {
  const report = validateReport(TrivyReportSchema, data, file, 'Trivy JSON');
  const vulnerabilities: Vulnerability[] = [];
  for (const result of report.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const fixed = v.FixedVersion?.trim();
      const status = v.Status?.toLowerCase();
      const vuln: Vulnerability = {
        id: v.VulnerabilityID,
        package: v.PkgName,
        // Without a Status (older Trivy), no FixedVersion means no fix; other statuses leave it open.
        fix: fixed ? 'available' : status === undefined || NO_FIX_STATUSES.has(status) ? 'none' : 'unknown',
        severity: SEVERITY[v.Severity.toUpperCase()] ?? 'unknown',
        rawSeverity: v.Severity,
        target: result.Target,
      };
      if (v.InstalledVersion) vuln.installedVersion = v.InstalledVersion;
      if (fixed) vuln.fixedVersion = fixed;
      if (v.Title) vuln.title = v.Title;
      if (v.PrimaryURL) vuln.url = v.PrimaryURL;
      vulnerabilities.push(vuln);
    }
  }
  return { file, format: 'trivy', tool: { name: 'Trivy' }, vulnerabilities };
}
