import { describe, expect, it } from '@jest/globals';
import { isEdsError } from '../../src/errors/index.js';
import { RULES, RULE_IDS, getRule, listChecks } from '../../src/security/index.js';
import { check, compliantContainer, deployment, DIGEST, findingsOf } from './helpers.js';

type Json = Record<string, unknown>;
const sc = (container: Json): Json => container.securityContext as Json;
const podSc = (pod: Json): Json => pod.securityContext as Json;

interface RuleCase {
  /** Objects that must produce at least one finding of the rule. */
  fail: () => unknown[];
  /** Objects that must produce none (beyond the compliant baseline, a near miss where useful). */
  pass: () => unknown[];
  /** Text the failing finding's message must contain. */
  says: string;
}

const service = (selector: Json, namespace = 'hello'): Json => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace },
  spec: { selector, ports: [{ port: 80 }] },
});

const ingress = (spec: Json): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'hello' },
  spec,
});

const CASES: Record<string, RuleCase> = {
  'privileged-container': {
    fail: () => [deployment((_p, c) => (sc(c).privileged = true))],
    pass: () => [deployment((_p, c) => (sc(c).privileged = false))],
    says: 'runs privileged',
  },
  'privilege-escalation-allowed': {
    fail: () => [deployment((_p, c) => delete sc(c).allowPrivilegeEscalation)],
    pass: () => [deployment()],
    says: 'allowPrivilegeEscalation',
  },
  'run-as-root': {
    fail: () => [deployment((p) => (podSc(p).runAsUser = 0))],
    pass: () => [
      deployment((p, c) => {
        delete podSc(p).runAsNonRoot;
        sc(c).runAsUser = 1000; // a non-zero UID on the container is enough
      }),
    ],
    says: 'UID 0',
  },
  'writable-root-filesystem': {
    fail: () => [deployment((_p, c) => (sc(c).readOnlyRootFilesystem = false))],
    pass: () => [deployment()],
    says: 'readOnlyRootFilesystem',
  },
  'host-network': {
    fail: () => [deployment((p) => (p.hostNetwork = true))],
    pass: () => [deployment((p) => (p.hostNetwork = false))],
    says: 'hostNetwork',
  },
  'host-pid': {
    fail: () => [deployment((p) => (p.hostPID = true))],
    pass: () => [deployment((p) => (p.hostPID = false))],
    says: 'hostPID',
  },
  'host-ipc': {
    fail: () => [deployment((p) => (p.hostIPC = true))],
    pass: () => [deployment((p) => (p.hostIPC = false))],
    says: 'hostIPC',
  },
  'host-port': {
    fail: () => [deployment((_p, c) => (c.ports = [{ name: 'http', containerPort: 8080, hostPort: 80 }]))],
    pass: () => [deployment((_p, c) => (c.ports = [{ name: 'http', containerPort: 8080, hostPort: 0 }]))],
    says: 'host port 80',
  },
  'dangerous-capabilities': {
    fail: () => [deployment((_p, c) => (sc(c).capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }))],
    pass: () => [deployment((_p, c) => (sc(c).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }))],
    says: 'SYS_ADMIN',
  },
  'capabilities-not-dropped': {
    fail: () => [deployment((_p, c) => (sc(c).capabilities = { drop: ['NET_RAW'] }))],
    pass: () => [deployment((_p, c) => (sc(c).capabilities = { drop: ['all'] }))],
    says: 'does not drop ALL',
  },
  'host-path-mount': {
    fail: () => [deployment((p) => (p.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }]))],
    pass: () => [deployment((p) => (p.volumes = [{ name: 'tmp', emptyDir: {} }]))],
    says: '/var/log',
  },
  'docker-socket-mount': {
    fail: () => [
      deployment((p) => (p.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }])),
    ],
    pass: () => [deployment((p) => (p.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }]))],
    says: 'runtime socket',
  },
  'latest-tag': {
    fail: () => [deployment((_p, c) => (c.image = 'registry.example.com/hello/web:latest'))],
    pass: () => [deployment((_p, c) => (c.image = `registry.example.com/hello/web@${DIGEST}`))],
    says: ':latest',
  },
  'image-not-pinned-by-digest': {
    fail: () => [deployment((_p, c) => (c.image = 'registry.example.com/hello/web:1.0.0'))],
    pass: () => [deployment()],
    says: 'not pinned by digest',
  },
  'registry-not-allowed': {
    fail: () => [deployment((_p, c) => (c.image = `docker.io/library/nginx:1.27@${DIGEST}`))],
    pass: () => [
      deployment((_p, c) => (c.image = `registry.example.com:443/hello/web:1@${DIGEST}`.replace(':443', ''))),
    ],
    says: 'docker.io',
  },
  'missing-resource-requests': {
    fail: () => [deployment((_p, c) => delete (c.resources as Json).requests)],
    pass: () => [deployment()],
    says: 'cpu or memory request',
  },
  'missing-resource-limits': {
    fail: () => [deployment((_p, c) => ((c.resources as Json).limits = { cpu: '1' }))],
    pass: () => [deployment()],
    says: 'memory limit',
  },
  'missing-liveness-probe': {
    fail: () => [deployment((_p, c) => delete c.livenessProbe)],
    pass: () => [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: 'hello' },
        spec: { template: { spec: compliantJobPod() } },
      },
    ],
    says: 'livenessProbe',
  },
  'missing-readiness-probe': {
    fail: () => [deployment((_p, c) => delete c.readinessProbe)],
    pass: () => [deployment()],
    says: 'readinessProbe',
  },
  'probe-port-not-exposed': {
    fail: () => [
      deployment((_p, c) => (c.livenessProbe = { httpGet: { path: '/healthz', port: 'metrics' } })),
    ],
    pass: () => [deployment((_p, c) => (c.livenessProbe = { tcpSocket: { port: 'http' } }))],
    says: 'port metrics',
  },
  'secret-literal': {
    fail: () => [
      deployment(
        (_p, c) => (c.env = [{ name: 'GITHUB_TOKEN', value: `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef` }]),
      ),
    ],
    pass: () => [
      deployment(
        (_p, c) =>
          (c.env = [{ name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'gh', key: 'token' } } }]),
      ),
    ],
    says: 'GitHub token',
  },
  'service-account-token-automount': {
    fail: () => [deployment((p) => delete p.automountServiceAccountToken)],
    pass: () => [
      deployment((p) => {
        delete p.automountServiceAccountToken;
        p.serviceAccountName = 'web';
      }),
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'web', namespace: 'hello' },
        automountServiceAccountToken: false,
      },
    ],
    says: 'automountServiceAccountToken',
  },
  'missing-seccomp-profile': {
    fail: () => [deployment((p) => delete podSc(p).seccompProfile)],
    pass: () => [
      deployment((p, c) => {
        delete podSc(p).seccompProfile;
        sc(c).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' };
      }),
    ],
    says: 'no seccomp profile',
  },
  'service-selects-nothing': {
    fail: () => [deployment(), service({ app: 'wbe' })],
    pass: () => [deployment(), service({ app: 'web' })],
    says: 'app=wbe',
  },
  'ingress-without-tls': {
    fail: () => [ingress({ rules: [{ host: 'web.example.com' }] })],
    pass: () => [
      ingress({
        tls: [{ hosts: ['*.example.com'], secretName: 'tls' }],
        rules: [{ host: 'web.example.com' }],
      }),
    ],
    says: 'no spec.tls',
  },
  'cluster-admin-binding': {
    fail: () => [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'web-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'hello' }],
      },
    ],
    pass: () => [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'web-view', namespace: 'hello' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      },
    ],
    says: 'cluster-admin',
  },
  'wildcard-rbac': {
    fail: () => [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'everything' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }],
      },
    ],
    pass: () => [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: 'hello' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      },
    ],
    says: 'verbs contains "*"',
  },
  'deprecated-api-version': {
    fail: () => [{ ...deployment(), apiVersion: 'extensions/v1beta1' }],
    pass: () => [deployment()],
    says: 'removed in Kubernetes 1.16',
  },
};

function compliantJobPod(): Json {
  // A Job's pod: no probes (it runs to completion), everything else compliant.
  const container = compliantContainer('migrate');
  delete container.livenessProbe;
  delete container.readinessProbe;
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container],
  };
}

describe('rule table', () => {
  it('has one entry per id, with all descriptive fields', () => {
    expect(new Set(RULE_IDS).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.remediation.length).toBeGreaterThan(10);
      expect(['low', 'medium', 'high', 'critical']).toContain(rule.severity);
    }
  });

  it('rejects an unknown rule id, listing the known ones', () => {
    try {
      getRule('no-such-rule');
      throw new Error('expected an error');
    } catch (error) {
      expect(isEdsError(error)).toBe(true);
      expect((error as Error).message).toContain('unknown rule id "no-such-rule"');
      expect((error as Error).message).toContain('privileged-container');
    }
  });

  it('has a pass and a fail case for every document rule', () => {
    const documentRules = RULES.filter((rule) => rule.check).map((rule) => rule.id);
    expect(Object.keys(CASES).sort()).toEqual([...documentRules].sort());
  });
});

describe('the compliant baseline', () => {
  it('passes every rule under the PROD policy', () => {
    const result = check([deployment()]);
    expect(result.findings).toEqual([]);
    expect(result.decision.blocked).toBe(false);
  });
});

describe.each(Object.entries(CASES))('rule %s', (ruleId, testCase) => {
  it('fails on a violating manifest', () => {
    const result = check(testCase.fail());
    const findings = findingsOf(result, ruleId);
    expect(findings.length).toBeGreaterThan(0);
    const [finding] = findings;
    expect(finding?.message).toContain(testCase.says);
    expect(finding?.severity).toBe(getRule(ruleId).severity);
    expect(finding?.location.file).toBe('rendered/app.yaml');
    expect(finding?.location.documentIndex).toBeDefined();
    expect(finding?.location.path?.length).toBeGreaterThan(0);
    expect(listChecks(result).some((c) => c.ruleId === ruleId && c.outcome === 'failed')).toBe(true);
  });

  it('passes on a compliant manifest', () => {
    const result = check(testCase.pass());
    expect(findingsOf(result, ruleId)).toEqual([]);
  });
});

describe('where rules look', () => {
  it('checks init and ephemeral containers, and every pod-bearing kind', () => {
    const init = deployment(
      (p) => (p.initContainers = [{ ...compliantContainer('init'), securityContext: { privileged: true } }]),
    );
    const ephemeral = deployment(
      (p) =>
        (p.ephemeralContainers = [
          { name: 'debug', image: 'busybox', securityContext: { privileged: true } },
        ]),
    );
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] },
    };
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] },
            },
          },
        },
      },
    };
    const kinds = ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].map((kind) => ({
      ...deployment((_p, c) => (sc(c).privileged = true)),
      kind,
    }));
    const result = check([init, ephemeral, pod, cron, ...kinds]);
    const privileged = findingsOf(result, 'privileged-container');
    expect(privileged.map((f) => f.container)).toEqual([
      'init',
      'debug',
      'c',
      'c',
      'web',
      'web',
      'web',
      'web',
    ]);
    expect(privileged[3]?.location.path).toEqual([
      'spec',
      'jobTemplate',
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'securityContext',
      'privileged',
    ]);
  });

  it('flags run-as-root when neither runAsNonRoot nor a UID is set', () => {
    const result = check([
      deployment((p) => (p.securityContext = { seccompProfile: { type: 'RuntimeDefault' } })),
    ]);
    expect(findingsOf(result, 'run-as-root')[0]?.message).toContain('neither runAsNonRoot');
  });

  it('lets a container override the pod seccomp profile to Unconfined, and flags it', () => {
    const result = check([deployment((_p, c) => (sc(c).seccompProfile = { type: 'Unconfined' }))]);
    expect(findingsOf(result, 'missing-seccomp-profile')[0]?.message).toContain('Unconfined');
  });

  it('only requires digests where the policy does (PROD by default)', () => {
    const tagged = deployment((_p, c) => (c.image = 'registry.example.com/hello/web:1.0.0'));
    expect(
      findingsOf(check([tagged], { tier: 'STAGING', policy: undefined }), 'image-not-pinned-by-digest'),
    ).toEqual([]);
    expect(
      findingsOf(check([tagged], { tier: 'PROD', policy: undefined }), 'image-not-pinned-by-digest'),
    ).toHaveLength(1);
  });

  it('treats a missing tag as :latest and a registry path prefix on / boundaries', () => {
    expect(
      findingsOf(check([deployment((_p, c) => (c.image = 'nginx'))]), 'latest-tag')[0]?.message,
    ).toContain('no tag');
    const team = check([deployment((_p, c) => (c.image = `registry.example.com/team-b/web:1@${DIGEST}`))], {
      policy: { parameters: { allowedRegistries: ['registry.example.com/team'] } },
    });
    expect(findingsOf(team, 'registry-not-allowed')).toHaveLength(1);
  });

  it('finds secrets in ConfigMaps and command lines, masked', () => {
    const awsKey = 'AKIAIOSFODNN7EXAMPLE';
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----\n';
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'hello' },
      data: {
        'aws.properties': `region=eu-west-1\naccess_key_id=${awsKey}\n`,
        'tls.key': pem,
        LOG_LEVEL: 'debug',
      },
    };
    const slack = `xoxb-${'1234567890'}-${'abcdefghijklmnopqrstuvwx'}`;
    const withArgs = deployment((_p, c) => (c.args = ['--notify', slack]));
    const result = check([configMap, withArgs]);
    const messages = findingsOf(result, 'secret-literal').map((f) => f.message);
    expect(messages).toHaveLength(3);
    expect(messages.join('\n')).toContain('AWS access key id (AKIA****)');
    expect(messages.join('\n')).toContain('private key (-----BEGIN RSA PRIVATE KEY-----****)');
    expect(messages.join('\n')).toContain('Slack token (xoxb-****)');
    expect(messages.join('\n')).not.toContain(awsKey);
    expect(messages.join('\n')).not.toContain(slack);
  });
});
