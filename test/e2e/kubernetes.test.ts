import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type KubernetesEmulator } from '../emulators/kubernetes/server.js';
import { eds, EDS_BIN } from '../helpers/eds.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-k8s-'));
const state = path.join(dir, 'state');
const spec = path.join(dir, 'eds.yaml');
writeFileSync(
  spec,
  `apiVersion: eds/v1
name: kshop
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/kshop/web:1.0.0
    replicas: 2
config:
  secrets: { DB_PASSWORD: 'k8s:default/db#password' }
environments:
  dev:
    tier: DEV
    target: { type: KUBERNETES, namespace: default }
    strategy: { type: ROLLING, progressDeadline: 20s }
  pr:
    tier: DEV
    target: { type: KUBERNETES, namespace: shop, prune: true }
    strategy: { type: ROLLING, progressDeadline: 20s }
  bg:
    tier: STAGING
    target: { type: KUBERNETES, namespace: default }
    strategy: { type: BLUE_GREEN, autoPromote: false, scaleDownDelay: 0s, progressDeadline: 20s }
  gw:
    tier: STAGING
    target: { type: KUBERNETES, namespace: default, traffic: { method: gateway, gateway: { name: edge } } }
    strategy: { type: CANARY, progressDeadline: 20s, steps: [{ setWeight: 40 }, { pause: {} }, { setWeight: 100 }] }
  stage:
    tier: STAGING
    target: { type: KUBERNETES, namespace: default, traffic: { method: nginx, host: shop.example.com } }
    strategy:
      type: CANARY
      progressDeadline: 20s
      steps: [{ setWeight: 30 }, { pause: {} }, { setWeight: 100 }]
`,
);

let cluster: KubernetesEmulator;
const env = () => ({ KUBECONFIG: cluster.kubeconfigPath, EDS_USER: 'k8s-tester' });

interface Result {
  id: string;
  status: string;
  phase: string;
  reason: string | null;
  components: { version: string; weights: Record<string, number> }[];
}
const run = (args: string[], store: string[] = []) =>
  eds(['-f', spec, '--state', state, ...store, '--json', ...args], { env: env(), timeoutMs: 90_000 });
const parse = (stdout: string) => JSON.parse(stdout) as Result;

const value = 'k8s-secret-value-9f2c41';

beforeAll(async () => {
  cluster = await startEmulator({ readyDelayMs: 200, namespaces: ['shop'] });
  // The Secret the spec's `k8s:default/db#password` reference reads.
  const created = await fetch(`${cluster.url}/api/v1/namespaces/default/secrets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.token}` },
    body: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: Buffer.from(value).toString('base64') },
    }),
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await cluster.close();
});

describe('eds on Kubernetes (the emulator, driven by real eds processes)', () => {
  it('resolves k8s: secret references from a cluster Secret, never printing the value', async () => {
    const rendered = await eds(['-f', spec, '--state', state, 'render', '--env', 'dev', '--config'], {
      env: env(),
    });
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toMatch(/DB_PASSWORD/);
    expect(`${rendered.stdout}${rendered.stderr}`).not.toContain(value);
    const missing = await eds(['-f', spec, '--state', state, 'render', '--env', 'dev'], {
      env: { KUBECONFIG: path.join(dir, 'nowhere') },
    });
    expect(missing.code).not.toBe(0);
  }, 60_000);

  it('rolls a Deployment out and fails fast on an image that cannot be pulled', async () => {
    const first = await run(['deploy', '--env', 'dev']);
    expect(first.code).toBe(0);
    expect(parse(first.stdout).status).toBe('COMPLETED');
    const deployments = cluster.list('apps/v1', 'Deployment', 'default');
    expect(deployments.length).toBeGreaterThan(0);
    // The rendered supporting objects were applied once the check passed: the hash-named ConfigMap and the
    // Secret holding the resolved k8s: reference, both labelled as EDS's.
    const configMaps = cluster
      .list('v1', 'ConfigMap', 'default')
      .filter((c) => c.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'eds');
    expect(configMaps.some((c) => /^kshop-/.test(c.metadata?.name ?? ''))).toBe(true);
    const secrets = cluster
      .list('v1', 'Secret', 'default')
      .filter((c) => c.metadata?.labels?.['eds.dev/prunable'] === 'true');
    expect(secrets.length).toBeGreaterThan(0);
    const second = await run(['deploy', '--env', 'dev', '--set-version', 'web=1.1.0']);
    expect(parse(second.stdout).status).toBe('COMPLETED');
    // The image tag follows the version: 1.2.0-pullfail cannot be pulled (the emulator's injected failure).
    const started = Date.now();
    const bad = await run(['deploy', '--env', 'dev', '--set-version', 'web=1.2.0-pullfail']);
    expect(bad.code).toBe(1);
    expect(parse(bad.stdout).reason).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 120_000);

  it('runs a canary with the nginx method, records and lock in the cluster, and resumes after SIGKILL', async () => {
    const store = ['--store', 'kubernetes', '--store-namespace', 'default'];
    const first = await run(['deploy', '--env', 'stage'], store);
    expect(first.code).toBe(0);
    const paused = await run(['deploy', '--env', 'stage', '--set-version', 'web=1.2.0'], store);
    expect(paused.code).toBe(0);
    const record = parse(paused.stdout);
    expect(record.phase).toBe('PAUSED');
    const ingresses = cluster.list('networking.k8s.io/v1', 'Ingress', 'default');
    const canaryIngress = ingresses.find(
      (i) => i.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true',
    );
    expect(canaryIngress?.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('30');
    // The record lives in a ConfigMap, the lock in a Lease.
    expect(
      cluster.list('v1', 'ConfigMap', 'default').some((c) => JSON.stringify(c).includes(record.id)),
    ).toBe(true);
    expect(cluster.list('coordination.k8s.io/v1', 'Lease', 'default').length).toBeGreaterThan(0);

    // Promote in a process that is killed mid-way; a later resume from the in-cluster record finishes it.
    const child = spawn(
      process.execPath,
      [EDS_BIN, '-f', spec, '--state', state, ...store, 'promote', record.id],
      {
        env: { ...process.env, ...env() },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    await new Promise<void>((resolve) => {
      let log = '';
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('▶ web-full')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    const resumed = await run(['resume', record.id], store);
    expect(resumed.code).toBe(0);
    expect(parse(resumed.stdout)).toMatchObject({ status: 'COMPLETED', phase: 'COMPLETED' });
    const after = cluster.list('networking.k8s.io/v1', 'Ingress', 'default');
    expect(
      after.some((i) => i.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true'),
    ).toBe(false);
  }, 180_000);

  it('blue-green: preview beside active, the active Service switched on promotion', async () => {
    expect((await run(['deploy', '--env', 'bg'])).code).toBe(0);
    const paused = parse((await run(['deploy', '--env', 'bg', '--set-version', 'web=2.0.0'])).stdout);
    expect(paused.phase).toBe('PAUSED');
    const services = () =>
      cluster.list('v1', 'Service', 'default').filter((svc) => (svc.metadata?.name ?? '').includes('web'));
    const selectorOf = (name: string) =>
      (
        services().find((svc) => svc.metadata?.name === name) as
          { spec?: { selector?: Record<string, string> } } | undefined
      )?.spec?.selector;
    const activeName = services().find((svc) => !(svc.metadata?.name ?? '').endsWith('-preview'))?.metadata
      ?.name as string;
    const before = JSON.stringify(selectorOf(activeName));
    expect(services().some((svc) => (svc.metadata?.name ?? '').endsWith('-preview'))).toBe(true);
    const done = await run(['promote', paused.id]);
    expect(parse(done.stdout)).toMatchObject({ status: 'COMPLETED' });
    expect(JSON.stringify(selectorOf(activeName))).not.toBe(before);
  }, 120_000);

  it('gateway canary: HTTPRoute backend weights follow the steps', async () => {
    expect((await run(['deploy', '--env', 'gw'])).code).toBe(0);
    const paused = parse((await run(['deploy', '--env', 'gw', '--set-version', 'web=3.0.0'])).stdout);
    expect(paused.phase).toBe('PAUSED');
    const weights = () =>
      cluster
        .list('gateway.networking.k8s.io/v1', 'HTTPRoute', 'default')
        .flatMap(
          (r) => (r as { spec?: { rules?: { backendRefs?: { weight?: number }[] }[] } }).spec?.rules ?? [],
        )
        .flatMap((rule) => rule.backendRefs ?? [])
        .map((b) => b.weight ?? 0)
        .sort((a, b) => a - b);
    expect(weights()).toEqual([40, 60]);
    const done = await run(['promote', paused.id]);
    expect(parse(done.stdout)).toMatchObject({ status: 'COMPLETED' });
    expect(weights().filter((w) => w > 0)).toEqual([100]);
  }, 120_000);

  it('prunes supporting objects a later deployment no longer renders (prune: true), only in its namespace', async () => {
    const configMaps = () =>
      cluster
        .list('v1', 'ConfigMap', 'shop')
        .filter((c) => c.metadata?.labels?.['eds.dev/prunable'] === 'true')
        .map((c) => c.metadata?.name);
    expect((await run(['deploy', '--env', 'pr', '--set', 'GREETING=hi'])).code).toBe(0);
    const first = configMaps();
    expect(first).toHaveLength(1);
    const second = await run(['deploy', '--env', 'pr', '--set', 'GREETING=hello']);
    expect(second.code).toBe(0);
    const after = configMaps();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first[0]);
    // Other namespaces are untouched.
    expect(
      cluster
        .list('v1', 'ConfigMap', 'default')
        .some((c) => c.metadata?.labels?.['eds.dev/prunable'] === 'true'),
    ).toBe(true);
  }, 120_000);

  it('waits for Jobs in the rendered templates before the rollout, and fails fast on a failed one', async () => {
    const jobsDir = path.join(dir, 'jobs');
    mkdirSync(path.join(jobsDir, 'k8s'), { recursive: true });
    writeFileSync(
      path.join(jobsDir, 'k8s', 'migrate.yaml'),
      `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate-\${{ config.MIGRATION }}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: \${{ config.MIGRATION_IMAGE }}
`,
    );
    const jobsSpec = path.join(jobsDir, 'eds.yaml');
    writeFileSync(
      jobsSpec,
      `apiVersion: eds/v1
name: kjobs
components:
  - { name: web, version: 1.0.0, image: registry.example.com/kjobs/web:1.0.0 }
config:
  values: { MIGRATION: v1, MIGRATION_IMAGE: registry.example.com/migrate:1.0 }
  templates: k8s/
environments:
  dev:
    tier: DEV
    target: { type: KUBERNETES, namespace: shop }
    strategy: { type: ROLLING, progressDeadline: 20s }
`,
    );
    const runJobs = (args: string[]) =>
      eds(['-f', jobsSpec, '--state', path.join(jobsDir, 'state'), '--json', ...args], {
        env: env(),
        timeoutMs: 90_000,
      });
    const good = await runJobs(['deploy', '--env', 'dev']);
    expect(good.code).toBe(0);
    expect(cluster.get('batch/v1', 'Job', 'shop', 'migrate-v1')).toBeDefined();
    const bad = await runJobs([
      'deploy',
      '--env',
      'dev',
      '--set',
      'MIGRATION=v2',
      '--set',
      'MIGRATION_IMAGE=registry.example.com/migrate:fail',
    ]);
    expect(bad.code).toBe(1);
    expect(parse(bad.stdout).reason).toMatch(/Job\/migrate-v2 failed/);
    // Nothing of the new release was rolled out: the Job runs before the workloads change.
    expect(parse(bad.stdout).components[0]?.weights).toEqual({});
  }, 120_000);
});
