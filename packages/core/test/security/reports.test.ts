import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { clearSecretsForTesting, SecretValue } from '../../src/secrets/index.js';
import {
  combineResults,
  checkManifests,
  fingerprintOf,
  gateVulnerabilities,
  loadManifests,
  parsePolicyOrThrow,
  parseVulnerabilityReport,
  RULES,
  toAuditSummary,
  toJUnit,
  toMarkdown,
  toSarif,
  type SecurityCheckResult,
  listChecks,
} from '../../src/security/index.js';
import { fixture, NOW } from './helpers.js';
import { descendants, parseXml } from './xml-parse.js';

const GITHUB_TOKEN = `ghp_${'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm'}1234`;

/** A realistic mixed run: a bad Deployment, an exempted DaemonSet, a Service typo, and a Trivy report. */
const BAD_MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: docker.io/library/node:latest
          env:
            - name: GITHUB_TOKEN
              value: ${GITHUB_TOKEN}
          securityContext:
            privileged: true
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: shop
  annotations:
    eds.dev/exempt: "host-network reason=needs <node> & \\"host\\" IPs, host-pid"
spec:
  template:
    spec:
      hostNetwork: true
      hostPID: true
      containers:
        - name: agent
          image: registry.example.com/agent:2.0.0
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector: { app: apii }
  ports: [{ port: 80 }]
`;

function mixedResult(): SecurityCheckResult {
  const policy = parsePolicyOrThrow(
    { parameters: { allowedRegistries: ['registry.example.com'] } },
    { file: 'eds.yaml' },
  );
  const { documents } = loadManifests(BAD_MANIFESTS, 'rendered/prod/all.yaml');
  const manifests = checkManifests(documents, { policy, environment: 'prod', tier: 'PROD', now: NOW });
  const trivy = parseVulnerabilityReport(readFileSync(fixture('reports', 'trivy-alpine.json'), 'utf8'), {
    file: 'reports/trivy.json',
  });
  return combineResults(
    manifests,
    gateVulnerabilities([trivy], { policy, environment: 'prod', tier: 'PROD', now: NOW }),
  );
}

function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(fixture('sarif-schema', 'sarif-schema-2.1.0.json'), 'utf8'),
  ) as object;
  // See fixtures/sarif-schema/SOURCE.md: the upstream schema fails its own meta-schema and uses a PCRE `(?i)`.
  const regExp = (pattern: string, flags?: string): RegExp =>
    pattern.startsWith('^(?i)')
      ? new RegExp(`^${pattern.slice(5)}`, `${flags ?? ''}i`)
      : new RegExp(pattern, flags);
  regExp.code = 'new RegExp';
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false, code: { regExp } });
  // ajv-formats is CommonJS: under NodeNext its default import is typed as the module, not the plugin function.
  (formatsPlugin as unknown as (instance: Ajv2020) => void)(ajv);
  return ajv.compile(schema);
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: {
          id: string;
          shortDescription: { text: string };
          help: { text: string };
          properties: Record<string, unknown>;
        }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      partialFingerprints: Record<string, string>;
      suppressions?: { kind: string; status: string; justification: string }[];
    }[];
  }[];
}

describe('SARIF report', () => {
  const result = mixedResult();
  const text = toSarif(result, { baseDir: '/repo' });
  const log = JSON.parse(text) as SarifLog;

  it('validates against the official SARIF 2.1.0 JSON Schema', () => {
    const validate = sarifValidator();
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check is real: it rejects a broken log', () => {
    const validate = sarifValidator();
    const broken = structuredClone(log);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
  });

  it('carries what GitHub code scanning reads', () => {
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({
      name: 'EDS',
      version: expect.any(String),
      informationUri: expect.stringMatching(/^https:/),
    });
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(RULES.map((r) => r.id)));
    expect(ruleIds).toContain('CVE-2024-45490');
    for (const rule of run.tool.driver.rules) {
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text.length).toBeGreaterThan(0);
    }
    expect(run.results).toHaveLength(result.findings.length);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(r.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      expect(r.partialFingerprints['edsFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    const privileged = run.results.find((r) => r.ruleId === 'privileged-container');
    expect(privileged?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'rendered/prod/all.yaml' },
      region: { startLine: 18 },
    });
    expect(run.results.find((r) => r.ruleId === 'host-network')?.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'needs <node> & "host" IPs' },
    ]);
  });

  it('keeps fingerprints stable when lines move', () => {
    const shifted = { ...result.findings[0], location: { ...result.findings[0].location, line: 999 } };
    expect(fingerprintOf(shifted)).toBe(fingerprintOf(result.findings[0]));
  });
});

describe('JUnit report', () => {
  const result = mixedResult();
  const xml = toJUnit(result);
  const root = parseXml(xml);
  const cases = descendants(root, 'testcase');

  it('is well-formed XML that parses back, with consistent counts', () => {
    expect(root.name).toBe('testsuites');
    expect(Number(root.attributes.tests)).toBe(cases.length);
    const failures = cases.filter((c) => c.children.some((child) => child.name === 'failure'));
    const skipped = cases.filter((c) => c.children.some((child) => child.name === 'skipped'));
    expect(Number(root.attributes.failures)).toBe(failures.length);
    expect(Number(root.attributes.skipped)).toBe(skipped.length);
    for (const suite of descendants(root, 'testsuite')) {
      expect(Number(suite.attributes.tests)).toBe(suite.children.filter((c) => c.name === 'testcase').length);
    }
  });

  it('has one test case per rule and resource checked', () => {
    const keys = cases.map((c) => `${c.attributes.classname}|${c.attributes.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const manifestChecks = new Set(
      listChecks(result)
        .filter((c) => c.category === 'manifest')
        .map((c) => `${c.ruleId}|${c.resource}`),
    );
    for (const key of manifestChecks) {
      const [ruleId, resource] = key.split('|');
      expect(keys).toContain(`eds.security.${ruleId}|${resource}`);
    }
  });

  it('fails exactly the blocking cases, skips exempted ones, escapes text', () => {
    const failing = new Set(
      cases
        .filter((c) => c.children.some((child) => child.name === 'failure'))
        .map((c) => `${c.attributes.classname}|${c.attributes.name}`),
    );
    const blocking = new Set(result.decision.blocking.map((f) => `eds.security.${f.ruleId}|${f.resource}`));
    expect(failing).toEqual(blocking);
    const hostNetwork = cases.find(
      (c) =>
        c.attributes.classname === 'eds.security.host-network' &&
        c.attributes.name === 'DaemonSet/shop/node-agent',
    );
    const skippedChild = hostNetwork?.children.find((c) => c.name === 'skipped');
    expect(skippedChild?.attributes.message).toBe('exempted (annotation): needs <node> & "host" IPs');
    expect(xml).toContain('needs &lt;node&gt; &amp; &quot;host&quot; IPs');
    const privileged = cases.find((c) => c.attributes.classname === 'eds.security.privileged-container');
    const failure = privileged?.children.find((c) => c.name === 'failure');
    expect(failure?.attributes.type).toBe('critical');
    expect(failure?.text).toContain('at rendered/prod/all.yaml:18');
    expect(failure?.text).toContain('fix: Remove `securityContext.privileged: true`');
  });
});

describe('Markdown compliance report', () => {
  const result = mixedResult();
  const markdown = toMarkdown(result);

  it('says the decision, what was checked, what failed, what was exempted and why', () => {
    expect(markdown).toContain('# EDS security check: prod (PROD)');
    expect(markdown).toContain('**Decision: BLOCKED**');
    expect(markdown).toContain('## What was checked');
    expect(markdown).toMatch(
      /\| `privileged-container` \| critical \| Container runs privileged \| \d+ \| 1 \| 0 \|/,
    );
    expect(markdown).toMatch(/## Failed: blocking \(\d+\)/);
    expect(markdown).toContain(
      '| critical | `privileged-container` | Deployment/shop/api | rendered/prod/all.yaml:18',
    );
    expect(markdown).toContain('## Exempted (1)');
    expect(markdown).toContain('| host-network | DaemonSet/shop/node-agent |');
    expect(markdown).toContain('| annotation | needs &lt;node&gt; &amp; "host" IPs | never |');
    expect(markdown).toContain('Vulnerability reports: `reports/trivy.json` (failed)');
    expect(markdown).toContain(result.policyVersion);
  });

  it('reports a pass for the compliant application', () => {
    const { documents } = loadManifests(
      readFileSync(fixture('manifests', 'compliant-hello.yaml'), 'utf8'),
      'hello.yaml',
    );
    const passed = toMarkdown(checkManifests(documents, { environment: 'prod', tier: 'PROD', now: NOW }));
    expect(passed).toContain('**Decision: PASSED**');
    expect(passed).toContain('## Failed: blocking (0)');
  });
});

describe('secrets never reach a report in full', () => {
  it('masks secret-looking literals in every format', () => {
    const result = mixedResult();
    const secretFinding = result.findings.find((f) => f.ruleId === 'secret-literal');
    expect(secretFinding?.message).toContain('ghp_****');
    const outputs = [
      toSarif(result),
      toJUnit(result),
      toMarkdown(result),
      JSON.stringify(toAuditSummary(result)),
      JSON.stringify(result),
    ];
    for (const output of outputs) {
      expect(output).not.toContain(GITHUB_TOKEN);
      expect(output).not.toContain(GITHUB_TOKEN.slice(4, 20));
    }
  });

  it('redacts registered secrets (e.g. resolved secret references) from reports', () => {
    const secret = new SecretValue('s3cr3t-registry-password');
    try {
      const result = mixedResult();
      result.findings[0].message += ` ${secret.reveal()}`;
      for (const output of [toSarif(result), toJUnit(result), toMarkdown(result)]) {
        expect(output).not.toContain('s3cr3t-registry-password');
      }
    } finally {
      clearSecretsForTesting();
    }
  });
});

describe('audit summary', () => {
  it('holds the policy version, counts by severity, decision and exemptions used', () => {
    const result = mixedResult();
    const audit = toAuditSummary(result);
    expect(audit.policyVersion).toBe(result.policyVersion);
    const counted = Object.values(audit.countsBySeverity).reduce((a, b) => a + b, 0);
    expect(counted + audit.exemptedCount).toBe(result.findings.length);
    expect(audit.exemptedCount).toBe(1);
    expect(audit.decision).toMatchObject({
      blocked: true,
      threshold: 'medium',
      vulnerabilityThreshold: 'high',
    });
    expect(audit.decision.blockingCount).toBe(result.decision.blocking.length);
    expect(audit.decision.blocking[0]).toEqual(
      expect.objectContaining({ ruleId: expect.any(String), file: expect.any(String) }),
    );
    expect(audit.exemptionsUsed).toEqual([
      expect.objectContaining({ ruleId: 'host-network', source: 'annotation' }),
    ]);
    expect(JSON.parse(JSON.stringify(audit))).toEqual(audit);
  });
});
