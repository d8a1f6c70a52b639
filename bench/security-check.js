// Security check benchmark: 10,000 generated Kubernetes resources of mixed kinds (Deployments, StatefulSets,
// DaemonSets, CronJobs, Services, Ingresses, ConfigMaps, RBAC), compliant and not, checked with every rule under
// the PROD policy (digest and registry rules active) on one core. The headline number checks documents already in
// memory (what the pipeline hands over after rendering); `withYamlParse` adds parsing the same resources from one
// multi-document YAML text, and `reports` the cost of writing SARIF, JUnit and Markdown for the result.
// Usage: npx tsc -b packages/core && node bench/security-check.js   (prints one JSON object)
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import {
  checkManifests,
  listChecks,
  loadManifests,
  manifestFromObject,
  parsePolicyOrThrow,
  toJUnit,
  toMarkdown,
  toSarif,
} from '../packages/core/dist/security/index.js';

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 10_000);
const DIGEST = `sha256:${'4f53cda18c2baa0c'.repeat(4)}`;
const NOW = new Date('2025-06-15T00:00:00Z');

function container(i, compliant) {
  const c = {
    name: `app-${i}`,
    image: compliant
      ? `registry.example.com/team/app-${i}:1.${i % 50}.0@${DIGEST}`
      : `docker.io/library/app-${i}:latest`,
    ports: [{ name: 'http', containerPort: 8080 }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: `app-${i}`, key: 'token' } } },
    ],
  };
  if (compliant) {
    c.resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } };
    c.livenessProbe = { httpGet: { path: '/healthz', port: 'http' } };
    c.readinessProbe = { httpGet: { path: '/ready', port: 8080 } };
    c.securityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    };
  } else {
    c.securityContext = { privileged: i % 7 === 0, capabilities: { add: ['NET_ADMIN'] } };
    if (i % 11 === 0)
      c.env.push({ name: 'GITHUB_TOKEN', value: `ghp_${'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI2kM4'}` });
  }
  return c;
}

function podSpec(i, compliant) {
  const spec = { containers: [container(i, compliant)] };
  if (compliant) {
    spec.automountServiceAccountToken = false;
    spec.securityContext = {
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    };
  } else if (i % 5 === 0) {
    spec.hostNetwork = true;
    spec.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
  }
  return spec;
}

const meta = (kind, i) => ({
  name: `${kind.toLowerCase()}-${i}`,
  namespace: `team-${i % 20}`,
  labels: { app: `app-${i}` },
});
const template = (i, compliant) => ({
  metadata: { labels: { app: `app-${i}` } },
  spec: podSpec(i, compliant),
});

/** One resource of a kind chosen by position: a realistic mix, about half of it compliant. */
function resource(i) {
  const compliant = i % 2 === 0;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('Deployment', i),
        spec: { replicas: 2, template: template(i, compliant) },
      };
    case 3:
      return {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta('StatefulSet', i),
        spec: { template: template(i, compliant) },
      };
    case 4:
      return {
        apiVersion: compliant ? 'batch/v1' : 'batch/v1beta1',
        kind: 'CronJob',
        metadata: meta('CronJob', i),
        spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template(i, compliant) } } },
      };
    case 5:
      return {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('Service', i),
        spec: {
          selector: { app: `app-${compliant ? i - 5 : i + 1000}` },
          ports: [{ port: 80, targetPort: 'http' }],
        },
      };
    case 6:
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('ConfigMap', i),
        data: {
          LOG_LEVEL: 'info',
          'app.properties': `region=eu-west-1\nretries=3\n${compliant ? '' : 'aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n'}`,
        },
      };
    case 7:
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: meta('Ingress', i),
        spec: {
          ...(compliant ? { tls: [{ hosts: [`app-${i}.example.com`], secretName: `tls-${i}` }] } : {}),
          rules: [
            {
              host: `app-${i}.example.com`,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: `svc-${i}`, port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      };
    case 8:
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: compliant ? 'Role' : 'ClusterRole',
        metadata: meta('Role', i),
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: compliant ? ['get', 'list'] : ['*'] }],
      };
    default:
      return {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta('DaemonSet', i),
        spec: { template: template(i, compliant) },
      };
  }
}

const objects = Array.from({ length: RESOURCES }, (_, i) => resource(i));
const policy = parsePolicyOrThrow({ parameters: { allowedRegistries: ['registry.example.com'] } });
const options = { policy, environment: 'prod', tier: 'PROD', now: NOW };
const docs = objects.map((object, index) => manifestFromObject(object, 'bench.yaml', index));

// Warm up the JIT, then take the best of three: one core, no worker threads.
let best = Infinity;
let result;
checkManifests(docs.slice(0, 1000), options);
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  result = checkManifests(docs, options);
  best = Math.min(best, performance.now() - started);
}

const yamlText = objects.map((object) => stringify(object)).join('---\n');
const parseStarted = performance.now();
const loaded = loadManifests(yamlText, 'bench.yaml');
const parsedResult = checkManifests(loaded.documents, options);
const parseSeconds = (performance.now() - parseStarted) / 1000;

const reportsStarted = performance.now();
const sizes = {
  sarif: toSarif(result).length,
  junit: toJUnit(result).length,
  markdown: toMarkdown(result).length,
};
const reportSeconds = (performance.now() - reportsStarted) / 1000;

const seconds = best / 1000;
const checks = listChecks(result);
console.log(
  JSON.stringify(
    {
      resources: RESOURCES,
      seconds: Number(seconds.toFixed(4)),
      resourcesPerSecond: Math.round(RESOURCES / seconds),
      rules: new Set(checks.map((c) => c.ruleId)).size,
      checks: checks.length,
      findings: result.findings.length,
      blocking: result.decision.blocking.length,
      withYamlParse: {
        yamlLines: yamlText.split('\n').length,
        seconds: Number(parseSeconds.toFixed(3)),
        resourcesPerSecond: Math.round(RESOURCES / parseSeconds),
        findings: parsedResult.findings.length,
      },
      reports: { seconds: Number(reportSeconds.toFixed(3)), bytes: sizes },
      node: process.version,
    },
    null,
    2,
  ),
);
