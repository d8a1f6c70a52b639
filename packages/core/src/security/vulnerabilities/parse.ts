import { readFile } from 'node:fs/promises';
import { ValidationError } from '../../errors/index.js';
import { parseGrypeReport, looksLikeGrype } from './grype.js';
import { parseJsonReport } from './json.js';
import { looksLikeSarif, parseSarifReport } from './sarif.js';
import { looksLikeTrivy, parseTrivyReport } from './trivy.js';
import { REPORT_FORMATS, type ReportFormat, type VulnerabilityReport } from './types.js';

export interface ParseReportOptions {
  file: string;
  /** `auto` (default) recognises the format from the document's shape. */
  format?: ReportFormat | 'auto';
}

/**
 * Parse a Trivy JSON, Grype JSON or SARIF 2.1.0 report. Anything unreadable (truncated, not JSON, wrong shape,
 * unknown format) is a ValidationError naming the file: the gate fails closed, a bad report never passes.
 */
export function parseVulnerabilityReport(text: string, options: ParseReportOptions): VulnerabilityReport {
  const { file } = options;
  const format = options.format ?? 'auto';
  if (format !== 'auto' && !(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ValidationError(`unknown report format "${String(format)}"`, {
      file,
      code: 'VULN_REPORT_FORMAT',
      expected: `auto, ${REPORT_FORMATS.join(', ')}`,
    });
  }
  const data = parseJsonReport(text, file);
  const detected = format === 'auto' ? detectFormat(data, file) : format;
  switch (detected) {
    case 'trivy':
      return parseTrivyReport(data, file);
    case 'grype':
      return parseGrypeReport(data, file);
    case 'sarif':
      return parseSarifReport(data, file);
  }
}

export function detectFormat(data: unknown, file: string): ReportFormat {
  if (looksLikeSarif(data)) return 'sarif';
  if (looksLikeGrype(data)) return 'grype';
  if (looksLikeTrivy(data)) return 'trivy';
  throw new ValidationError(
    'cannot recognise the vulnerability report format (expected Trivy JSON, Grype JSON or SARIF 2.1.0); the gate cannot pass',
    {
      file,
      code: 'VULN_REPORT_FORMAT',
      expected: 'Trivy JSON (SchemaVersion, Results), Grype JSON (matches) or SARIF (version, runs)',
    },
  );
}

export async function loadVulnerabilityReport(
  path: string,
  format: ReportFormat | 'auto' = 'auto',
): Promise<VulnerabilityReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError(
      `cannot read vulnerability report: ${error instanceof Error ? error.message : String(error)}`,
      {
        file: path,
        code: 'VULN_REPORT_READ',
      },
    );
  }
  return parseVulnerabilityReport(text, { file: path, format });
}

export async function loadVulnerabilityReports(
  paths: readonly string[],
  format: ReportFormat | 'auto' = 'auto',
): Promise<VulnerabilityReport[]> {
  const reports: VulnerabilityReport[] = [];
  for (const path of paths) reports.push(await loadVulnerabilityReport(path, format));
  return reports;
}
