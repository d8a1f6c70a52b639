// Configuration rendering benchmark: 200 services × 3 environments, each a base + an environment overlay + 5
// patches (replicas, image digest, resources, an env var, a --set value), rendered to Kubernetes manifests
// (ConfigMap with a content-hash name, Service, Deployment) by EDS in-process and, in the same run, by
// `kubectl kustomize` over the equivalent kustomize bases and overlays (one `kubectl kustomize` per environment
// over a kustomization that includes all 200 overlays: the fastest way to drive kustomize, 3 processes in all).
// Usage: npx tsc -b packages/core && node bench/config-render.js   (prints one JSON object)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderConfig, renderManifests } from '../packages/core/dist/config/index.js';
import { loadSpecFile } from '../packages/core/dist/model/index.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
const ENVIRONMENTS = [
  { name: 'dev', tier: 'DEV', replicas: 1, level: 'debug', cpu: '50m' },
  { name: 'staging', tier: 'STAGING', replicas: 2, level: 'info', cpu: '100m' },
  { name: 'prod', tier: 'PROD', replicas: 4, level: 'warn', cpu: '250m' },
];
const DIGEST = `sha256:${'4f53cda18c2baa0c'.repeat(4)}`;
const write = (file, text) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};
const svcName = (i) => `svc-${String(i).padStart(3, '0')}`;
const baseValues = (name) => ({
  LOG_LEVEL: 'info',
  GREETING: `hello from ${name}`,
  DB_HOST: `${name}-db`,
  DB_PORT: '5432',
  CACHE_TTL: '60',
  FEATURE_X: 'false',
  TIMEOUT_MS: '1500',
  REGION: 'eu-west-1',
});

function edsService(root, i) {
  const name = svcName(i);
  const dir = path.join(root, name);
  write(
    path.join(dir, 'config/base.yaml'),
    Object.entries(baseValues(name))
      .map(([k, v]) => `${k}: '${v}'\n`)
      .join(''),
  );
  let spec = `apiVersion: eds/v1
name: ${name}
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/${name}/web:1.0.0
    run: { command: node server.js, port: 8080 }
    health: { http: /healthz }
    replicas: 1
config:
  base: config/base.yaml
environments:
`;
  for (const env of ENVIRONMENTS) {
    write(
      path.join(dir, `config/${env.name}.yaml`),
      `LOG_LEVEL: ${env.level}\nCACHE_TTL: '${env.replicas * 60}'\n`,
    );
    spec += `  ${env.name}:
    tier: ${env.tier}
    strategy: { type: ROLLING }
    config:
      overlay: config/${env.name}.yaml
      replicas: { web: ${env.replicas} }
      images: { web: { digest: '${DIGEST}' } }
      resources: { web: { requests: { cpu: ${env.cpu} }, limits: { memory: 256Mi } } }
      values: { ENVIRONMENT: ${env.name} }
`;
  }
  write(path.join(dir, 'eds.yaml'), spec);
  return path.join(dir, 'eds.yaml');
}

function kustomizeService(root, i) {
  const name = svcName(i);
  const dir = path.join(root, name);
  write(
    path.join(dir, 'base/config.env'),
    Object.entries(baseValues(name))
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  write(
    path.join(dir, 'base/deployment.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}-web }
spec:
  replicas: 1
  selector: { matchLabels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/component: web } }
  template:
    metadata: { labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/component: web } }
    spec:
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: registry.example.com/${name}/web:1.0.0
          ports: [{ name: http, containerPort: 8080 }]
          envFrom: [{ configMapRef: { name: ${name}-config } }]
          readinessProbe: { httpGet: { path: /healthz, port: http } }
          livenessProbe: { httpGet: { path: /healthz, port: http } }
          resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { cpu: 500m, memory: 256Mi } }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
`,
  );
  write(
    path.join(dir, 'base/service.yaml'),
    `apiVersion: v1
kind: Service
metadata: { name: ${name}-web }
spec:
  selector: { app.kubernetes.io/name: ${name}, app.kubernetes.io/component: web }
  ports: [{ name: http, port: 80, targetPort: http }]
`,
  );
  write(
    path.join(dir, 'base/kustomization.yaml'),
    `resources: [deployment.yaml, service.yaml]
configMapGenerator:
  - name: ${name}-config
    envs: [config.env]
`,
  );
  for (const env of ENVIRONMENTS) {
    const o = path.join(dir, 'overlays', env.name);
    write(
      path.join(o, 'config.env'),
      `LOG_LEVEL=${env.level}\nCACHE_TTL=${env.replicas * 60}\nENVIRONMENT=${env.name}\n`,
    );
    write(
      path.join(o, 'resources.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}-web }
spec:
  template:
    spec:
      containers:
        - name: web
          resources: { requests: { cpu: ${env.cpu} }, limits: { memory: 256Mi } }
`,
    );
    write(
      path.join(o, 'env.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}-web }
spec:
  template:
    spec:
      containers:
        - name: web
          env: [{ name: FAIL_RATE, value: '0' }]
`,
    );
    write(
      path.join(o, 'kustomization.yaml'),
      `resources: [../../base]
configMapGenerator:
  - name: ${name}-config
    behavior: merge
    envs: [config.env]
replicas:
  - { name: ${name}-web, count: ${env.replicas} }
images:
  - { name: registry.example.com/${name}/web, digest: '${DIGEST}' }
patches:
  - path: resources.yaml
  - path: env.yaml
  - target: { kind: Deployment, name: ${name}-web }
    patch: |-
      - op: add
        path: /metadata/annotations
        value: { eds.dev/environment: ${env.name} }
`,
    );
  }
}

async function runEds(root) {
  const specs = [];
  for (let i = 0; i < SERVICES; i += 1) specs.push(edsService(root, i));
  let documents = 0;
  let bytes = 0;
  const started = performance.now();
  for (const specFile of specs) {
    const { spec, file, text } = loadSpecFile(specFile);
    for (const env of ENVIRONMENTS) {
      const rendered = await renderConfig({
        spec,
        specFile: file,
        specText: text,
        environment: env.name,
        env: {},
        deploymentId: `${spec.name}.${env.name}.20260101000000000.beef`,
        request: { set: ['FAIL_RATE=0'] },
      });
      const manifests = await renderManifests({ spec, specFile: file, rendered });
      documents += manifests.documents.length;
      bytes += manifests.text.length;
    }
  }
  return { ms: performance.now() - started, documents, bytes };
}

function runKustomize(root) {
  const which = spawnSync('which', ['kubectl'], { encoding: 'utf8' });
  if (which.status !== 0) return { skipped: 'kubectl not found on PATH; kustomize half skipped' };
  for (let i = 0; i < SERVICES; i += 1) kustomizeService(root, i);
  for (const env of ENVIRONMENTS) {
    const resources = Array.from(
      { length: SERVICES },
      (_, i) => `  - ../../${svcName(i)}/overlays/${env.name}\n`,
    ).join('');
    write(path.join(root, 'all', env.name, 'kustomization.yaml'), `resources:\n${resources}`);
  }
  let documents = 0;
  let bytes = 0;
  const started = performance.now();
  for (const env of ENVIRONMENTS) {
    const out = execFileSync('kubectl', ['kustomize', path.join(root, 'all', env.name)], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    documents += out.split(/^---$/m).length;
    bytes += out.length;
  }
  const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.match(
    /Kustomize Version: (\S+)/,
  );
  return { ms: performance.now() - started, documents, bytes, kustomizeVersion: version ? version[1] : null };
}

const root = mkdtempSync(path.join(os.tmpdir(), 'eds-bench-config-'));
try {
  const eds = await runEds(path.join(root, 'eds'));
  const kustomize = runKustomize(path.join(root, 'kustomize'));
  const round = (n) => Math.round(n * 10) / 10;
  const result = {
    benchmark: 'config-render',
    services: SERVICES,
    environments: ENVIRONMENTS.length,
    renders: SERVICES * ENVIRONMENTS.length,
    eds: {
      wallMs: round(eds.ms),
      documents: eds.documents,
      bytes: eds.bytes,
      msPerRender: round(eds.ms / (SERVICES * 3)),
    },
    kustomize:
      'skipped' in kustomize
        ? kustomize
        : {
            wallMs: round(kustomize.ms),
            documents: kustomize.documents,
            bytes: kustomize.bytes,
            processes: ENVIRONMENTS.length,
            version: kustomize.kustomizeVersion,
          },
    speedup: 'skipped' in kustomize ? null : round(kustomize.ms / eds.ms),
    goal: 'EDS at least 2x faster in total wall time',
    node: process.version,
  };
  result.goalMet = result.speedup === null ? null : result.speedup >= 2;
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
