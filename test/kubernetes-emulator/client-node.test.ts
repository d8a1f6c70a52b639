/**
 * Fidelity against the other real client: @kubernetes/client-node (what packages/kubernetes uses).
 * Its typed APIs, object API with server-side apply, errors, watches and informers must work
 * against the emulator exactly as against a cluster.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
} from '@kubernetes/client-node';
import type { KubernetesEmulator } from '../emulators/kubernetes/index.js';
import { startEmulator } from '../emulators/kubernetes/index.js';
import { eventually } from './helpers.js';

const NS = 'client';
let k8s: KubernetesEmulator;
let kc: KubeConfig;

beforeAll(async () => {
  k8s = await startEmulator({ readyDelayMs: 100, namespaces: [NS] });
  kc = new KubeConfig();
  kc.loadFromFile(k8s.kubeconfigPath);
});
afterAll(async () => {
  await k8s.close();
});

async function rejection(promise: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<string>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('typed APIs', () => {
  test('ConfigMap create/read/replace; a stale resourceVersion is ApiException 409 Conflict', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'record', labels: { 'eds/app': 'hello' } }, data: { json: '{}' } },
    });
    expect(created.metadata?.uid).toBeDefined();
    const read = await core.readNamespacedConfigMap({ name: 'record', namespace: NS });
    expect(read.data).toEqual({ json: '{}' });
    const replaced = await core.replaceNamespacedConfigMap({
      name: 'record',
      namespace: NS,
      body: { ...read, data: { json: '{"v":1}' } },
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );
    const stale = await rejection(
      core.replaceNamespacedConfigMap({
        name: 'record',
        namespace: NS,
        body: { ...read, data: { json: '{"v":2}' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(JSON.parse(stale.body) as unknown).toMatchObject({ kind: 'Status', reason: 'Conflict' });
    const listed = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'eds/app=hello' });
    expect(listed.items.map((i: V1ConfigMap) => i.metadata?.name)).toEqual(['record']);
    const missing = await rejection(core.readNamespacedConfigMap({ name: 'nope', namespace: NS }));
    expect(missing.code).toBe(404);
  });

  test('Lease compare-and-swap through resourceVersion', async () => {
    const coordination = kc.makeApiClient(CoordinationV1Api);
    const now = new Date();
    const lease = await coordination.createNamespacedLease({
      namespace: NS,
      body: {
        metadata: { name: 'env-prod' },
        spec: { holderIdentity: 'job-1', leaseDurationSeconds: 15, acquireTime: now, renewTime: now },
      },
    });
    // MicroTime is stored as the API writes it: UTC with six fraction digits.
    const stored = k8s.get('coordination.k8s.io/v1', 'Lease', NS, 'env-prod')?.spec as {
      acquireTime: string;
    };
    expect(stored.acquireTime).toBe(now.toISOString().replace(/Z$/, '000Z'));
    expect(lease.metadata?.resourceVersion).toBe(
      k8s.get('coordination.k8s.io/v1', 'Lease', NS, 'env-prod')?.metadata.resourceVersion,
    );
    const renewed = await coordination.replaceNamespacedLease({
      name: 'env-prod',
      namespace: NS,
      body: { ...lease, spec: { ...lease.spec, renewTime: new Date() } },
    });
    expect(renewed.spec?.holderIdentity).toBe('job-1');
    const takeover = await rejection(
      coordination.replaceNamespacedLease({
        name: 'env-prod',
        namespace: NS,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'job-2' } },
      }),
    );
    expect(takeover.code).toBe(409);
  });

  test('a Deployment reaches its ready state as read through the typed status API; 403 is an ApiException', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'typed' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'typed' } },
          template: {
            metadata: { labels: { app: 'typed' } },
            spec: { containers: [{ name: 'web', image: 'example/typed:1' }] },
          },
        },
      },
    });
    const status = await eventually(
      async () => (await apps.readNamespacedDeploymentStatus({ name: 'typed', namespace: NS })).status,
      (s) => s?.availableReplicas === 2,
    );
    expect(status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    k8s.setForbidden([{ verb: 'get', resource: 'deployments', namespace: NS }]);
    try {
      const denied = await rejection(apps.readNamespacedDeployment({ name: 'typed', namespace: NS }));
      expect(denied.code).toBe(403);
    } finally {
      k8s.setForbidden([]);
    }
  });
});

describe('object API', () => {
  test('server-side apply with a field manager; a rival manager conflicts unless forced', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const applied = await objects.patch(
      spec,
      undefined,
      undefined,
      'eds',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect((applied as unknown as { spec: { clusterIP: string } }).spec.clusterIP).toMatch(/^10\.96\./);
    const rival = { ...spec, spec: { ...spec.spec, selector: { app: 'other' } } };
    const conflict = await rejection(
      objects.patch(rival, undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply),
    );
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body) as unknown).toMatchObject({
      message: 'Apply failed with 1 conflict: conflict with "eds": .spec.selector.app',
    });
    const forced = await objects.patch(
      rival,
      undefined,
      undefined,
      'someone-else',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((forced as unknown as { spec: { selector: unknown } }).spec.selector).toEqual({
      app: 'other',
    });
    const read = await objects.read({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS },
    });
    expect(read.metadata?.managedFields?.map((m) => m.manager).sort()).toEqual(['eds', 'someone-else']);
  });

  test('HTTPRoute and Ingress through the object API (merge patch of backend weights)', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: NS },
      spec: {
        parentRefs: [{ name: 'gw' }],
        rules: [
          {
            backendRefs: [
              { name: 'web-stable', port: 80, weight: 100 },
              { name: 'web-canary', port: 80, weight: 0 },
            ],
          },
        ],
      },
    };
    await objects.patch(route, undefined, undefined, 'eds', false, PatchStrategy.ServerSideApply);
    const weighted = {
      ...route,
      spec: {
        ...route.spec,
        rules: [
          {
            backendRefs: [
              { name: 'web-stable', port: 80, weight: 80 },
              { name: 'web-canary', port: 80, weight: 20 },
            ],
          },
        ],
      },
    };
    const patched = (await objects.patch(
      weighted,
      undefined,
      undefined,
      'eds',
      false,
      PatchStrategy.ServerSideApply,
    )) as KubernetesObject & { spec: { rules: { backendRefs: { weight: number }[] }[] } };
    expect(patched.spec.rules[0].backendRefs.map((b) => b.weight)).toEqual([80, 20]);
    expect(patched.metadata?.generation).toBe(2);
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web-canary',
        namespace: NS,
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '10',
        },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web-canary', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    };
    const created = await objects.create(ingress);
    expect(created.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('10');
  });
});

describe('watches', () => {
  test('Watch delivers events after a resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    const seen: string[] = [];
    const watch = new Watch(kc);
    const controller = await watch.watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type, object: KubernetesObject) => seen.push(`${type}:${object.metadata?.name ?? ''}`),
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: 'watched' }, data: {} },
      });
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: NS });
      await eventually(
        () => seen,
        (s) => s.includes('DELETED:watched'),
      );
      expect(seen.filter((s) => s.endsWith(':watched'))).toEqual(['ADDED:watched', 'DELETED:watched']);
    } finally {
      controller.abort();
    }
  });

  test('an informer lists, then follows changes', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const informer = makeInformer(kc, `/apis/apps/v1/namespaces/${NS}/deployments`, () =>
      apps.listNamespacedDeployment({ namespace: NS }),
    );
    const updates: string[] = [];
    informer.on('update', (object: KubernetesObject) => updates.push(object.metadata?.name ?? ''));
    await informer.start();
    try {
      expect(informer.list().map((d) => d.metadata?.name)).toContain('typed');
      // client-node 1.x sends patches as application/json-patch+json unless told otherwise.
      await apps.patchNamespacedDeploymentScale({
        name: 'typed',
        namespace: NS,
        body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      });
      await eventually(
        () => updates.filter((n) => n === 'typed').length,
        (n) => n > 0,
      );
      await eventually(
        () => informer.get('typed', NS)?.status?.availableReplicas,
        (n) => n === 3,
      );
    } finally {
      await informer.stop();
    }
  });
});
