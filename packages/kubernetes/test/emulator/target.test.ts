import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeployVersionRequest, VersionStatus } from '@eds/core';
import { startEmulator, type KubernetesEmulator } from '../../../../test/emulators/kubernetes/server.js';
import { connect } from '../../src/connection/cluster.js';
import { KubernetesTarget } from '../../src/target/kubernetes-target.js';
import type { WorkloadLayout } from '../../src/target/naming.js';
import type { TrafficSettings } from '../../src/target/settings.js';

let emulator: KubernetesEmulator;
const targets: KubernetesTarget[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    namespaces: ['rolling', 'bg', 'canary', 'nginx', 'gateway', 'fail'],
    readyDelayMs: 100,
  });
});
afterAll(async () => {
  for (const target of targets) target.close();
  await emulator.close();
});

function target(
  namespace: string,
  layout: WorkloadLayout,
  traffic?: TrafficSettings,
  replicas = 2,
): KubernetesTarget {
  const cluster = connect({ kubeconfig: emulator.kubeconfigPath, namespace });
  const t = new KubernetesTarget({
    ...cluster,
    application: 'hello',
    environment: namespace,
    layout,
    ...(traffic ? { traffic } : {}),
    components: {
      web: {
        image: 'registry.example.com/hello/web:1.0.0',
        specVersion: '1.0.0',
        replicas,
        port: 8080,
        healthPath: '/healthz',
      },
    },
  });
  targets.push(t);
  return t;
}

const request = (
  version: string,
  instances: number,
  env: Record<string, string> = {},
): DeployVersionRequest => ({
  component: 'web',
  version,
  instances,
  run: { command: 'unused on kubernetes' },
  health: { http: '/healthz', intervalMs: 1000, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 3 },
  env,
});

/** What the controller's deploy step does: poll health() (served from watch caches) until enough are healthy. */
async function healthy(
  t: KubernetesTarget,
  version: string,
  count: number,
  timeoutMs = 15_000,
): Promise<VersionStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await t.health('web', version);
    if (status && status.healthy >= count) return status;
    if (Date.now() > deadline) throw new Error(`web@${version}: ${status?.healthy ?? 0}/${count} healthy`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const selector = (namespace: string, name: string) =>
  (emulator.get('v1', 'Service', namespace, name)?.spec as { selector?: Record<string, string> } | undefined)
    ?.selector;
const replicasOf = (namespace: string, name: string) =>
  (emulator.get('apps/v1', 'Deployment', namespace, name)?.spec as { replicas?: number } | undefined)
    ?.replicas;

describe('ROLLING: the Deployment rolls itself', () => {
  it('deploys, then updates the one Deployment in place and tracks it to completion', async () => {
    const t = target('rolling', 'ROLLING');
    await t.deploy(request('1.0.0', 2, { GREETING: 'hi' }));
    await healthy(t, '1.0.0', 2);
    expect(await t.router.setWeights('web', { '1.0.0': 100 })).toMatchObject({
      endpoint: 'http://hello-web.rolling.svc',
    });
    await t.deploy(request('1.1.0', 1));
    const deployment = emulator.get('apps/v1', 'Deployment', 'rolling', 'hello-web');
    const spec = deployment?.spec as {
      replicas: number;
      strategy: unknown;
      template: { spec: { containers: { image: string }[] } };
    };
    expect(spec.replicas).toBe(2);
    expect(spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(spec.template.spec.containers[0]?.image).toBe('registry.example.com/hello/web:1.1.0');
    await t.waitForRollout('web', '1.1.0', { timeoutMs: 15_000 });
    expect((await healthy(t, '1.1.0', 2)).desired).toBe(2);
    await t.remove('web', '1.0.0'); // the old version is gone with the rolling update: nothing to do
    expect(emulator.get('apps/v1', 'Deployment', 'rolling', 'hello-web')).toBeDefined();
    expect(emulator.get('v1', 'Secret', 'rolling', 'hello-web-env')).toBeDefined();
  });
});

describe('BLUE_GREEN: two colours, active and preview Services', () => {
  it('previews the new colour, switches the active selector, and switches back', async () => {
    const t = target('bg', 'BLUE_GREEN');
    await t.deploy(request('1.0.0', 2));
    await healthy(t, '1.0.0', 2);
    await t.router.switchTo('web', '1.0.0');
    expect(selector('bg', 'hello-web')?.['eds.dev/slot']).toBe('blue');
    await t.deploy(request('2.0.0', 2));
    await healthy(t, '2.0.0', 2);
    expect(replicasOf('bg', 'hello-web-green')).toBe(2);
    expect(selector('bg', 'hello-web-preview')?.['eds.dev/slot']).toBe('green');
    expect(selector('bg', 'hello-web')?.['eds.dev/slot']).toBe('blue');
    await t.router.switchTo('web', '2.0.0');
    expect(selector('bg', 'hello-web')?.['eds.dev/slot']).toBe('green');
    expect((await t.router.getState('web'))?.weights).toEqual({ '2.0.0': 100 });
    await t.router.switchTo('web', '1.0.0'); // rollback: instant, the old colour still runs
    expect(selector('bg', 'hello-web')?.['eds.dev/slot']).toBe('blue');
    await expect(t.router.setWeights('web', { '1.0.0': 50, '2.0.0': 50 })).rejects.toThrow(/cannot split/);
    await t.remove('web', '2.0.0');
    expect(emulator.get('apps/v1', 'Deployment', 'bg', 'hello-web-green')).toBeUndefined();
  });
});

describe('CANARY', () => {
  it('replicas: weights become stable/canary replica counts behind one Service', async () => {
    const t = target('canary', 'CANARY', { method: 'replicas' }, 4);
    await t.deploy(request('1.0.0', 4));
    await healthy(t, '1.0.0', 4);
    await t.router.setWeights('web', { '1.0.0': 100 });
    await t.deploy(request('2.0.0', 2));
    await healthy(t, '2.0.0', 2);
    await t.router.setWeights('web', { '2.0.0': 25, '1.0.0': 75 });
    expect([replicasOf('canary', 'hello-web-v2-0-0'), replicasOf('canary', 'hello-web-v1-0-0')]).toEqual([
      1, 3,
    ]);
    expect(selector('canary', 'hello-web')).not.toHaveProperty('eds.dev/slot');
    await expect(
      t.router.setWeights('web', { '2.0.0': 25, '1.0.0': 75 }, [
        { version: '2.0.0', header: { name: 'x', value: '1' } },
      ]),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_MATCH' });
    await t.deploy(request('2.0.0', 4));
    await t.router.setWeights('web', { '2.0.0': 100 });
    expect([replicasOf('canary', 'hello-web-v2-0-0'), replicasOf('canary', 'hello-web-v1-0-0')]).toEqual([
      4, 0,
    ]);
    await t.remove('web', '1.0.0');
    expect(emulator.get('apps/v1', 'Deployment', 'canary', 'hello-web-v1-0-0')).toBeUndefined();
    await healthy(t, '2.0.0', 4);
  });

  it('nginx: a canary Ingress with weight and header/cookie annotations, removed at 100%', async () => {
    const t = target('nginx', 'CANARY', { method: 'nginx', host: 'hello.example.com' });
    await t.deploy(request('1.0.0', 2));
    await t.router.setWeights('web', { '1.0.0': 100 });
    await t.deploy(request('2.0.0', 1));
    const state = await t.router.setWeights('web', { '2.0.0': 20, '1.0.0': 80 }, [
      { version: '2.0.0', header: { name: 'x-canary', value: 'yes' } },
    ]);
    expect(state.endpoint).toBe('http://hello.example.com');
    const backend = (name: string) =>
      (
        emulator.get('networking.k8s.io/v1', 'Ingress', 'nginx', name)?.spec as {
          rules: { http: { paths: { backend: { service: { name: string } } }[] } }[];
        }
      ).rules[0]?.http.paths[0]?.backend.service.name;
    expect(backend('hello-web')).toBe('hello-web-v1-0-0');
    expect(backend('hello-web-canary')).toBe('hello-web-v2-0-0');
    expect(
      emulator.get('networking.k8s.io/v1', 'Ingress', 'nginx', 'hello-web-canary')?.metadata.annotations,
    ).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '20',
      'nginx.ingress.kubernetes.io/canary-by-header': 'x-canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'yes',
    });
    await t.router.setWeights('web', { '2.0.0': 100 });
    expect(backend('hello-web')).toBe('hello-web-v2-0-0');
    expect(emulator.get('networking.k8s.io/v1', 'Ingress', 'nginx', 'hello-web-canary')).toBeUndefined();
  });

  it('gateway: HTTPRoute backendRefs carry the weights', async () => {
    const t = target('gateway', 'CANARY', {
      method: 'gateway',
      gateway: { name: 'edge', namespace: 'infra' },
      host: 'hello.example.com',
    });
    await t.deploy(request('1.0.0', 2));
    await t.deploy(request('2.0.0', 1));
    await t.router.setWeights('web', { '2.0.0': 10, '1.0.0': 90 }, [
      { version: '2.0.0', cookie: { name: 'canary', value: 'always' } },
    ]);
    const route = emulator.get('gateway.networking.k8s.io/v1', 'HTTPRoute', 'gateway', 'hello-web')?.spec as {
      parentRefs: unknown[];
      rules: { backendRefs: { name: string; weight: number }[] }[];
    };
    expect(route.parentRefs).toEqual([{ name: 'edge', namespace: 'infra' }]);
    expect(route.rules.at(-1)?.backendRefs.map((b) => [b.name, b.weight])).toEqual([
      ['hello-web-v2-0-0', 10],
      ['hello-web-v1-0-0', 90],
    ]);
    expect(route.rules[0]?.backendRefs.map((b) => b.name)).toEqual(['hello-web-v2-0-0']);
  });
});

describe('fail fast with the reason', () => {
  it.each([
    ['crashloop', 'CrashLoopBackOff'],
    ['pullfail', /ImagePullBackOff|ErrImagePull/],
    ['configerror', 'CreateContainerConfigError'],
  ])('image :%s fails the version in seconds with %s', async (tag, reason) => {
    const t = target('fail', 'CANARY');
    const started = Date.now();
    await t.deploy({
      ...request(`9.0.${tag.length}`, 1),
      image: `registry.example.com/hello/web:${tag}`,
    });
    const error = await healthy(t, `9.0.${tag.length}`, 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ROLLOUT_FAILED', exitCode: 1 });
    expect((error as { details: { reason: string } }).details.reason).toMatch(reason);
    expect(Date.now() - started).toBeLessThan(10_000);
    await t.remove('web', `9.0.${tag.length}`);
  });

  it('metrics point to the prometheus provider', async () => {
    await expect(target('fail', 'ROLLING').metrics.read('web', '1.0.0', 1000)).rejects.toThrow(
      /use the prometheus provider/,
    );
  });
});
