import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ExitCode, isEdsError, PolicyError, ValidationError } from '../../src/errors/index.js';
import {
  assertNotBlocked,
  gateVulnerabilities,
  loadVulnerabilityReport,
  loadVulnerabilityReports,
  parsePolicyOrThrow,
  parseVulnerabilityReport,
  runSecurityCheck,
  manifestFromObject,
  type Policy,
  type Tier,
  type VulnerabilityReport,
} from '../../src/security/index.js';
import { deployment, fixture, NOW } from './helpers.js';

const report = (name: string): VulnerabilityReport =>
  parseVulnerabilityReport(readFileSync(fixture('reports', name), 'utf8'), { file: `reports/${name}` });

const gate = (reports: VulnerabilityReport[], tier: Tier, policy?: Policy) =>
  gateVulnerabilities(reports, { environment: tier.toLowerCase(), tier, now: NOW, policy });

const blockingIds = (result: ReturnType<typeof gate>): string[] =>
  [...new Set(result.decision.blocking.map((f) => f.ruleId))].sort();

describe('Trivy JSON', () => {
  const trivy = report('trivy-alpine.json');

  it('reads Results[].Vulnerabilities[] with targets, fixes and severities', () => {
    expect(trivy.format).toBe('trivy');
    expect(trivy.vulnerabilities).toHaveLength(7);
    const expat = trivy.vulnerabilities.find((v) => v.id === 'CVE-2024-45490');
    expect(expat).toMatchObject({
      package: 'expat',
      installedVersion: '2.6.2-r0',
      fixedVersion: '2.6.3-r0',
      fix: 'available',
      severity: 'critical',
      target: 'registry.example.com/hello/web:1.0.0 (alpine 3.19.1)',
      url: 'https://avd.aquasec.com/nvd/cve-2024-45490',
    });
    const unrated = trivy.vulnerabilities.find((v) => v.id === 'GHSA-hypothetical-0001');
    expect(unrated).toMatchObject({ severity: 'unknown', rawSeverity: 'UNKNOWN', fix: 'none' });
  });

  it('accepts a clean report (Results without Vulnerabilities)', () => {
    expect(report('trivy-clean.json').vulnerabilities).toEqual([]);
  });
});

describe('Grype JSON', () => {
  const grype = report('grype-debian.json');

  it('maps Negligible to low, keeps Unknown for policy, and reads fix states', () => {
    expect(grype.format).toBe('grype');
    expect(grype.tool).toEqual({ name: 'Grype', version: '0.79.0' });
    const byId = new Map(grype.vulnerabilities.map((v) => [v.id, v]));
    expect(byId.get('CVE-2011-3374')).toMatchObject({
      severity: 'low',
      rawSeverity: 'Negligible',
      fix: 'none',
    });
    expect(byId.get('CVE-2024-28757')).toMatchObject({ severity: 'unknown', fix: 'unknown' });
    expect(byId.get('CVE-2023-45853')).toMatchObject({
      severity: 'critical',
      fix: 'none',
      package: 'zlib1g',
    });
    expect(byId.get('CVE-2024-2961')).toMatchObject({
      severity: 'high',
      fix: 'available',
      fixedVersion: '2.36-9+deb12u7',
    });
    expect(byId.get('CVE-2024-2961')?.target).toBe('registry.example.com/hello/worker:2.3.0');
  });
});

describe('SARIF 2.1.0', () => {
  it('rates results by the rule security-severity and reads Trivy-style message fields', () => {
    const sarif = report('sarif-trivy.sarif');
    expect(sarif.format).toBe('sarif');
    expect(sarif.tool).toEqual({ name: 'Trivy', version: '0.56.1' });
    expect(sarif.vulnerabilities.map((v) => [v.id, v.severity, v.package, v.fixedVersion])).toEqual([
      ['CVE-2024-6119', 'high', 'libcrypto3', '3.1.7-r0'],
      ['CVE-2023-42366', 'low', 'busybox', '1.36.1-r16'],
      ['CVE-2024-45490', 'critical', 'expat', '2.6.3-r0'],
    ]);
  });

  it('falls back to levels (error high, warning medium, default warning, note low) and skips suppressed and passing results', () => {
    const sarif = report('sarif-levels-only.sarif');
    expect(sarif.vulnerabilities.map((v) => [v.id, v.severity, v.rawSeverity])).toEqual([
      ['EX001', 'high', 'error'],
      ['EX002', 'medium', 'warning'],
      ['EX003', 'low', 'note'],
    ]);
  });

  it('honours an explicit format and rejects a mismatch', () => {
    const text = readFileSync(fixture('reports', 'trivy-alpine.json'), 'utf8');
    expect(parseVulnerabilityReport(text, { file: 'x.json', format: 'trivy' }).vulnerabilities).toHaveLength(
      7,
    );
    expect(() => parseVulnerabilityReport(text, { file: 'x.json', format: 'grype' })).toThrow(
      /not a valid Grype JSON report/,
    );
  });
});

describe('bad reports fail closed', () => {
  const cases: [string, RegExp][] = [
    ['trivy-truncated.json.partial', /not valid JSON \(truncated or corrupt\?\)/],
    ['empty.json', /empty/],
    ['not-a-report.json', /cannot recognise the vulnerability report format/],
    ['grype-wrong-shape.json', /not a valid Grype JSON report: matches\[0\]\.vulnerability\.id/],
    ['sarif-wrong-version.sarif', /not a valid SARIF 2\.1\.0 report: version/],
  ];

  it.each(cases)('%s is a ValidationError naming the file', async (name, message) => {
    const path = fixture('reports', name);
    const error = await loadVulnerabilityReport(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(message);
    expect((error as ValidationError).location.file).toBe(path);
    expect((error as ValidationError).exitCode).toBe(ExitCode.InvalidInput);
    expect((error as ValidationError).describe()).toContain(name);
  });

  it('never lets the gate pass when one report among good ones is bad', async () => {
    const paths = [
      fixture('reports', 'trivy-clean.json'),
      fixture('reports', 'trivy-truncated.json.partial'),
    ];
    await expect(loadVulnerabilityReports(paths)).rejects.toThrow(ValidationError);
  });

  it('names a missing file', async () => {
    await expect(loadVulnerabilityReport(fixture('reports', 'nope.json'))).rejects.toThrow(
      /cannot read vulnerability report/,
    );
  });
});

describe('the vulnerability gate', () => {
  const trivy = report('trivy-alpine.json');
  const grype = report('grype-debian.json');

  it('applies thresholds per tier (DEV critical, STAGING high, PROD high by default)', () => {
    expect(blockingIds(gate([trivy], 'DEV'))).toEqual(['CVE-2024-45490']);
    // The unrated advisory counts as high (fail closed) from STAGING on.
    expect(blockingIds(gate([trivy], 'STAGING'))).toEqual([
      'CVE-2024-37890',
      'CVE-2024-45490',
      'CVE-2024-6119',
      'GHSA-hypothetical-0001',
    ]);
    const prod = gate([trivy], 'PROD');
    expect(prod.decision.vulnerabilityThreshold).toBe('high');
    expect(prod.decision.blocking.some((f) => f.ruleId === 'CVE-2024-2511')).toBe(false);
    expect(gate([report('trivy-clean.json')], 'PROD').decision.blocked).toBe(false);
  });

  it('uses the policy threshold and the configurable severity of UNKNOWN', () => {
    const policy = parsePolicyOrThrow({
      vulnerabilities: { thresholds: { PROD: 'medium' }, unknownSeverity: 'low' },
    });
    const ids = blockingIds(gate([trivy], 'PROD', policy));
    expect(ids).toContain('CVE-2024-2511');
    expect(ids).not.toContain('GHSA-hypothetical-0001');
    expect(ids).not.toContain('CVE-2023-42366');
  });

  it('with onlyFixed, spares vulnerabilities that have no fix but still blocks unknown fix status', () => {
    const policy = parsePolicyOrThrow({ vulnerabilities: { onlyFixed: true } });
    const result = gate([grype], 'PROD', policy);
    expect(blockingIds(result)).toEqual(['CVE-2024-28757', 'CVE-2024-2961']);
    const zlib = result.findings.find((f) => f.ruleId === 'CVE-2023-45853');
    expect(zlib?.blocking).toBe(false);
    expect(zlib?.message).toContain('no fix available and policy blocks only fixable ones');
    expect(blockingIds(gate([grype], 'PROD'))).toEqual(['CVE-2023-45853', 'CVE-2024-28757', 'CVE-2024-2961']);
  });

  it('ignores listed vulnerabilities until their expiry, then reports the expired entry', () => {
    const policy = parsePolicyOrThrow(
      {
        vulnerabilities: {
          ignore: [
            {
              id: 'CVE-2023-45853',
              package: 'zlib1g',
              reason: 'MiniZip is not built into zlib1g',
              expires: '2025-12-31',
            },
            {
              id: 'cve-2024-2961',
              reason: 'iconv with ISO-2022-CN-EXT is never used',
              expires: '2025-01-31',
            },
          ],
        },
      },
      { file: 'eds.yaml' },
    );
    const result = gate([grype], 'PROD', policy);
    const zlib = result.findings.find((f) => f.ruleId === 'CVE-2023-45853');
    expect(zlib?.exemption).toMatchObject({
      source: 'ignore-list',
      reason: 'MiniZip is not built into zlib1g',
    });
    expect(zlib?.blocking).toBe(false);
    const libc = result.findings.find((f) => f.ruleId === 'CVE-2024-2961');
    expect(libc?.blocking).toBe(true);
    expect(libc?.message).toContain('ignore entry policy.vulnerabilities.ignore[1] expired on 2025-01-31');
    const expired = result.findings.find((f) => f.ruleId === 'exemption-expired');
    expect(expired?.location).toEqual({ file: 'eds.yaml', path: ['policy', 'vulnerabilities', 'ignore', 1] });
    expect(result.exemptionsUsed).toHaveLength(1);
  });

  it('deduplicates a vulnerability listed twice for the same package version', () => {
    const doubled = { ...trivy, vulnerabilities: [...trivy.vulnerabilities, ...trivy.vulnerabilities] };
    expect(gate([doubled], 'DEV').findings).toHaveLength(trivy.vulnerabilities.length);
  });
});

describe('one check for manifests and reports', () => {
  it('blocks with exit 3, printing each blocking finding with its location and remediation', () => {
    const result = runSecurityCheck({
      documents: [
        manifestFromObject(
          deployment((_p, c) => (c.image = 'registry.example.com/hello/web:1.0.0')),
          'out/prod.yaml',
        ),
      ],
      reports: [report('trivy-alpine.json')],
      environment: 'prod',
      tier: 'PROD',
      now: NOW,
    });
    expect(result.decision.blocked).toBe(true);
    let error: unknown;
    try {
      assertNotBlocked(result);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    const policyError = error as PolicyError;
    expect(policyError.exitCode).toBe(ExitCode.BlockedByPolicy);
    expect(policyError.message).toContain('out/prod.yaml (document 0): [medium] image-not-pinned-by-digest');
    expect(policyError.message).toContain('Fix: Reference the image as');
    expect(policyError.message).toContain('reports/trivy-alpine.json: [critical] CVE-2024-45490');
    expect(isEdsError(error)).toBe(true);
  });

  it('passes quietly when nothing blocks', () => {
    const result = runSecurityCheck({
      documents: [manifestFromObject(deployment(), 'out/prod.yaml')],
      reports: [report('trivy-clean.json')],
      environment: 'prod',
      tier: 'PROD',
      now: NOW,
    });
    expect(() => assertNotBlocked(result)).not.toThrow();
  });
});
