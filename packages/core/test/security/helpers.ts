import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  checkManifests,
  manifestFromObject,
  parsePolicyOrThrow,
  type CheckManifestsOptions,
  type Finding,
  type Policy,
  type SecurityCheckResult,
} from '../../src/security/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

export const DIGEST = 'sha256:4c1e997385b8fb4ad4d1d3c7e5a1a0f4a5c6b7d8e9f0a1b2c3d4e5f6a7b8c9d0';
export const NOW = new Date('2025-06-15T12:00:00Z');

type Json = Record<string, unknown>;

/** The compliant container of examples/hello: every container rule passes on it. */
export function compliantContainer(name = 'web'): Json {
  return {
    name,
    image: `registry.example.com/hello/web:1.0.0@${DIGEST}`,
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  };
}

export function compliantPodSpec(): Json {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [compliantContainer()],
  };
}

export function deployment(
  mutate: (pod: Json, container: Json, object: Json) => void = () => {},
  name = 'web',
): Json {
  const pod = compliantPodSpec();
  const object: Json = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'hello' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: pod },
    },
  };
  const containers = pod.containers as Json[];
  mutate(pod, containers[0], object);
  return object;
}

/** PROD with an allow-listed registry, so every rule is active. */
export const PROD_POLICY: Policy = parsePolicyOrThrow({
  parameters: { allowedRegistries: ['registry.example.com'] },
});

export function check(
  objects: readonly unknown[],
  options: Partial<CheckManifestsOptions> = {},
): SecurityCheckResult {
  const docs = objects.map((object, index) => manifestFromObject(object, 'rendered/app.yaml', index));
  return checkManifests(docs, {
    policy: PROD_POLICY,
    environment: 'prod',
    tier: 'PROD',
    now: NOW,
    ...options,
  });
}

export function findingsOf(result: SecurityCheckResult, ruleId: string): Finding[] {
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}
