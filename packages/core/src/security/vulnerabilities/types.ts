import type { Severity } from '../types.js';

export const REPORT_FORMATS = ['trivy', 'grype', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A scanner's rating mapped to ours; `unknown` is mapped by policy (`vulnerabilities.unknownSeverity`). */
export type RatedSeverity = Severity | 'unknown';

export interface Vulnerability {
  /** CVE, GHSA or the scanner's id (the SARIF ruleId). */
  id: string;
  package: string;
  installedVersion?: string;
  fixedVersion?: string;
  /** `unknown` when the scanner cannot say; only `none` is spared by `onlyFixed`. */
  fix: 'available' | 'none' | 'unknown';
  severity: RatedSeverity;
  /** The scanner's own word, e.g. `Negligible` or `9.8`. */
  rawSeverity: string;
  title?: string;
  url?: string;
  /** What was scanned: image, lock file, SARIF artifact. */
  target?: string;
}

export interface VulnerabilityReport {
  file: string;
  format: ReportFormat;
  tool: { name: string; version?: string };
  vulnerabilities: Vulnerability[];
}
