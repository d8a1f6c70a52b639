import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../../src/errors/index.js';
import {
  loadManifests,
  checkManifests,
  parseExemptAnnotation,
  parsePolicy,
  parsePolicyOrThrow,
  policyVersion,
  resolvePolicy,
  type Policy,
  listChecks,
} from '../../src/security/index.js';
import { check, deployment, findingsOf, NOW } from './helpers.js';

const EXAMPLE_POLICY = `
policy:
  thresholds: { DEV: critical, STAGING: high, PROD: medium }
  rules:
    ingress-without-tls: { enabled: false }
    latest-tag: { severity: high }
  parameters:
    allowedRegistries: [registry.example.com, ghcr.io/acme]
    allowedCapabilities: [NET_BIND_SERVICE]
  exemptions:
    - rule: host-port
      resource: { kind: DaemonSet, name: node-agent, namespace: monitoring }
      reason: the agent must listen on the node address for legacy scrapers
      expires: 2025-12-31
  vulnerabilities:
    thresholds: { PROD: high }
    onlyFixed: true
    unknownSeverity: medium
    ignore:
      - id: CVE-2023-45853
        package: zlib1g
        reason: MiniZip is not built into the Debian package
        expires: 2025-09-30
`;

function policyFrom(yamlText: string, key = 'policy'): Policy {
  const raw = (parseYaml(yamlText) as Record<string, unknown>)[key];
  return parsePolicyOrThrow(raw, { file: 'eds.yaml' });
}

const errorsOf = (raw: unknown, pathPrefix?: string): ValidationError[] => {
  const result = parsePolicy(raw, { file: 'eds.yaml', pathPrefix });
  if (result.success) throw new Error('expected errors');
  return result.errors;
};

describe('policy schema', () => {
  it('accepts the documented shape', () => {
    const policy = policyFrom(EXAMPLE_POLICY);
    expect(policy.exemptions?.[0]?.expires).toBe('2025-12-31');
    expect(policy.vulnerabilities?.ignore?.[0]?.id).toBe('CVE-2023-45853');
  });

  it('reports errors with their field path and file', () => {
    const errors = errorsOf({
      threshold: 'severe',
      exemptions: [
        { rule: 'host-port', resource: { kind: 'Pod', name: 'p' }, reason: 'x', expires: '31/12/2025' },
      ],
    });
    const paths = errors.map((e) => e.location.path);
    expect(paths).toContain('policy.threshold');
    expect(paths).toContain('policy.exemptions[0].expires');
    expect(errors.every((e) => e.location.file === 'eds.yaml' && e.exitCode === 2)).toBe(true);
  });

  it('is strict about unknown keys, and uses the caller path prefix', () => {
    const [error] = errorsOf({ treshold: 'high' }, 'environments.prod.policy');
    expect(error?.location.path).toBe('environments.prod.policy');
    expect(error?.message).toMatch(/treshold/);
  });

  it('rejects unknown rule ids in rules and exemptions, listing the known ids', () => {
    const errors = errorsOf({
      rules: { 'no-such-rule': false },
      exemptions: [
        { rule: 'privileged', resource: { kind: 'Pod', name: 'p' }, reason: 'r', expires: '2030-01-01' },
      ],
    });
    const byPath = new Map(errors.map((e) => [e.location.path, e.message]));
    expect(byPath.get('policy.rules.no-such-rule')).toMatch(
      /unknown rule id "no-such-rule"; known rule ids: privileged-container/,
    );
    expect(byPath.get('policy.exemptions[0].rule')).toMatch(/unknown rule id "privileged"/);
  });

  it('requires a reason and an expiry on every exemption', () => {
    const paths = errorsOf({
      exemptions: [{ rule: 'host-port', resource: { kind: 'Pod', name: 'p' }, reason: '  ' }],
    }).map((e) => e.location.path);
    expect(paths).toEqual(
      expect.arrayContaining(['policy.exemptions[0].reason', 'policy.exemptions[0].expires']),
    );
  });

  it('accepts YAML 1.1 dates given as Date objects', () => {
    const policy = parsePolicyOrThrow({
      exemptions: [
        {
          rule: 'host-port',
          resource: { kind: 'Pod', name: 'p' },
          reason: 'r',
          expires: new Date('2026-03-01'),
        },
      ],
    });
    expect(policy.exemptions?.[0]?.expires).toBe('2026-03-01');
  });

  it('throws one error naming all problems from parsePolicyOrThrow', () => {
    expect(() => parsePolicyOrThrow({ threshold: 'x', rules: { nope: true } })).toThrow(
      /policy\.threshold.*policy\.rules\.nope/s,
    );
  });

  it('catches unknown rule ids in a policy built in code', () => {
    expect(() => resolvePolicy({ rules: { 'not-a-rule': false } }, 'PROD')).toThrow(
      /unknown rule id "not-a-rule"/,
    );
  });
});

describe('thresholds per tier', () => {
  const medium = deployment((_p, c) => (c.image = 'registry.example.com/hello/web:latest')); // latest-tag: medium
  const high = deployment((p) => (p.hostNetwork = true)); // host-network: high
  const critical = deployment((_p, c) => ((c.securityContext as Record<string, unknown>).privileged = true));

  it.each([
    ['DEV', [false, false, true]],
    ['STAGING', [false, true, true]],
    ['PROD', [true, true, true]],
  ] as const)('%s blocks at its default threshold', (tier, expected) => {
    const blocked = [medium, high, critical].map((object) => {
      const result = check([object], { tier, policy: { parameters: { requireDigest: false } } });
      return result.decision.blocked;
    });
    expect(blocked).toEqual(expected);
  });

  it('takes the environment layer over the application policy', () => {
    const app = parsePolicyOrThrow({ threshold: 'critical' });
    const prod = parsePolicyOrThrow({ threshold: 'low' }, { pathPrefix: 'environments.prod.policy' });
    expect(check([medium], { policy: [app], tier: 'PROD' }).decision.threshold).toBe('critical');
    expect(check([medium], { policy: [app, prod], tier: 'PROD' }).decision.threshold).toBe('low');
  });

  it('disables rules and overrides severities', () => {
    const policy = policyFrom(EXAMPLE_POLICY);
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: {},
    };
    const result = check([ingress, medium], { policy, tier: 'STAGING' });
    expect(findingsOf(result, 'ingress-without-tls')).toEqual([]);
    expect(findingsOf(result, 'latest-tag')[0]?.severity).toBe('high');
    expect(result.decision.blocked).toBe(true);
  });

  it('versions the effective policy by content', () => {
    const a = policyVersion(resolvePolicy(policyFrom(EXAMPLE_POLICY), 'PROD'));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(policyVersion(resolvePolicy(policyFrom(EXAMPLE_POLICY), 'PROD'))).toBe(a);
    expect(policyVersion(resolvePolicy(policyFrom(EXAMPLE_POLICY), 'DEV'))).not.toBe(a);
    expect(
      policyVersion(
        resolvePolicy([policyFrom(EXAMPLE_POLICY), parsePolicyOrThrow({ threshold: 'high' })], 'PROD'),
      ),
    ).not.toBe(a);
  });
});

describe('policy exemptions', () => {
  const hostPortAgent = deployment(
    (_p, c) => (c.ports = [{ name: 'http', containerPort: 8080, hostPort: 9100 }]),
    'node-agent',
  );
  const inMonitoring = {
    ...hostPortAgent,
    kind: 'DaemonSet',
    metadata: { name: 'node-agent', namespace: 'monitoring' },
  };
  const policyWith = (expires: string, namespace?: string): Policy =>
    parsePolicyOrThrow(
      {
        exemptions: [
          {
            rule: 'host-port',
            resource: { kind: 'DaemonSet', name: 'node-agent', ...(namespace ? { namespace } : {}) },
            reason: 'legacy scrapers',
            expires,
          },
        ],
      },
      { file: 'eds.yaml' },
    );

  it('exempts the matching finding, which then does not block, and records the use', () => {
    const result = check([inMonitoring], { policy: policyWith('2025-06-15', 'monitoring') });
    const [finding] = findingsOf(result, 'host-port');
    expect(finding?.exemption).toMatchObject({
      source: 'policy',
      reason: 'legacy scrapers',
      expires: '2025-06-15',
    });
    expect(finding?.blocking).toBe(false);
    expect(result.decision.blocked).toBe(false);
    expect(result.exemptionsUsed).toEqual([
      expect.objectContaining({ ruleId: 'host-port', resource: 'DaemonSet/monitoring/node-agent' }),
    ]);
    expect(listChecks(result).find((c) => c.ruleId === 'host-port')?.outcome).toBe('exempted');
  });

  it('does not exempt other namespaces', () => {
    const result = check([{ ...inMonitoring, metadata: { name: 'node-agent', namespace: 'other' } }], {
      policy: policyWith('2030-01-01', 'monitoring'),
    });
    expect(findingsOf(result, 'host-port')[0]?.exemption).toBeUndefined();
  });

  it('stops exempting after the expiry date and says so', () => {
    const result = check([inMonitoring], { policy: policyWith('2025-06-14') });
    const [finding] = findingsOf(result, 'host-port');
    expect(finding?.exemption).toBeUndefined();
    expect(finding?.blocking).toBe(true);
    expect(finding?.message).toContain('exemption policy.exemptions[0] expired on 2025-06-14');
    const [expired] = findingsOf(result, 'exemption-expired');
    expect(expired?.message).toContain('expired on 2025-06-14; it no longer applies');
    expect(expired?.location).toEqual({ file: 'eds.yaml', path: ['policy', 'exemptions', 0] });
  });

  it('notes an exemption that matched nothing', () => {
    const result = check([deployment()], { policy: policyWith('2030-01-01') });
    expect(result.notes.map((n) => n.message).join('\n')).toContain('matched no finding');
  });
});

describe('annotation exemptions', () => {
  const annotated = (value: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: hello
  annotations:
    eds.dev/exempt: ${JSON.stringify(value)}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: registry.example.com/hello/web:latest
`;
  const run = (value: string) =>
    checkManifests(loadManifests(annotated(value), 'web.yaml').documents, {
      environment: 'prod',
      tier: 'PROD',
      now: NOW,
      policy: { parameters: { requireDigest: false } },
    });

  it('parses several comma-separated entries, with quoted reasons and expiry', () => {
    expect(
      parseExemptAnnotation(
        'host-network reason=needs the node IP, latest-tag reason="dev image, rebuilt nightly" expires=2026-01-01',
      ),
    ).toEqual([
      { ruleId: 'host-network', reason: 'needs the node IP' },
      { ruleId: 'latest-tag', reason: 'dev image, rebuilt nightly', expires: '2026-01-01' },
    ]);
    expect(parseExemptAnnotation('host-network reason=slow, but safe')).toEqual([
      { ruleId: 'host-network', reason: 'slow, but safe' },
    ]);
  });

  it('exempts the named rules on that resource', () => {
    const result = run('host-network reason=needs the node IP, latest-tag reason=dev image');
    expect(findingsOf(result, 'host-network')[0]?.exemption).toMatchObject({
      source: 'annotation',
      reason: 'needs the node IP',
    });
    expect(findingsOf(result, 'host-network')[0]?.exemption?.location?.line).toBe(7);
    expect(findingsOf(result, 'latest-tag')[0]?.exemption?.reason).toBe('dev image');
  });

  it('treats an entry without a reason as a finding, and it exempts nothing', () => {
    const result = run('host-network');
    expect(findingsOf(result, 'host-network')[0]?.exemption).toBeUndefined();
    const [noReason] = findingsOf(result, 'exemption-without-reason');
    expect(noReason?.message).toContain('exempts host-network without a reason');
    expect(noReason?.location.line).toBe(7);
    expect(noReason?.blocking).toBe(true);
  });

  it('reports an annotation exemption past its expiry', () => {
    const result = run('host-network reason=temporary expires=2025-01-01');
    expect(findingsOf(result, 'host-network')[0]?.exemption).toBeUndefined();
    expect(findingsOf(result, 'exemption-expired')).toHaveLength(1);
  });

  it('rejects an unknown rule id with the file and line, listing known ids', () => {
    let error: unknown;
    try {
      run('host-netwrok reason=typo');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(
      /unknown rule id "host-netwrok"; known rule ids: .*host-network/,
    );
    expect((error as ValidationError).location).toMatchObject({ file: 'web.yaml', line: 7 });
  });

  it('rejects a malformed expiry', () => {
    expect(() => parseExemptAnnotation('host-port reason=x expires=soon')).toThrow(/invalid expires=soon/);
  });
});
