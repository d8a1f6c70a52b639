/**
 * The emulator's REST semantics over plain HTTP, checked against what the Kubernetes API documents:
 * Status errors, optimistic concurrency, selectors, patch types, subresources, watch streams.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubernetesEmulator } from '../emulators/kubernetes/index.js';
import { startEmulator } from '../emulators/kubernetes/index.js';
import { api, eventually, openWatch, sleep } from './helpers.js';

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

function configMap(
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = { k: 'v' },
) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

function deployment(name: string, image: string, replicas = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

let k8s: KubernetesEmulator;
beforeAll(async () => {
  k8s = await startEmulator({ readyDelayMs: 100, bookmarkIntervalMs: 100, namespaces: ['other'] });
});
afterAll(async () => {
  await k8s.close();
});

describe('discovery', () => {
  test('core and group discovery list the kinds with verbs, short names and subresources', async () => {
    expect((await api(k8s, 'GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await api(k8s, 'GET', '/apis')).body as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'networking.k8s.io',
        'gateway.networking.k8s.io',
        'coordination.k8s.io',
        'rbac.authorization.k8s.io',
      ]),
    );
    const apps = (await api(k8s, 'GET', '/apis/apps/v1')).body as {
      resources: { name: string; shortNames?: string[]; kind: string }[];
    };
    expect(apps.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'deployments', kind: 'Deployment', shortNames: ['deploy'] }),
        expect.objectContaining({ name: 'deployments/status', kind: 'Deployment' }),
        expect.objectContaining({ name: 'deployments/scale', kind: 'Scale' }),
      ]),
    );
    expect((await api(k8s, 'GET', '/apis/nope/v1')).status).toBe(404);
  });

  test('an unknown resource path answers a NotFound Status', async () => {
    const result = await api(k8s, 'GET', '/apis/apps/v1/namespaces/default/statefulsets');
    expect(result.status).toBe(404);
    expect(result.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });
});

describe('CRUD and errors', () => {
  test('create assigns uid, resourceVersion, creationTimestamp; duplicate create is 409 AlreadyExists', async () => {
    const created = await api(k8s, 'POST', CM, configMap('crud-1'), 'application/json', {
      'user-agent': 'eds-test/1.0 (linux)',
    });
    expect(created.status).toBe(201);
    const meta = created.body.metadata as Record<string, unknown>;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.resourceVersion).toMatch(/^\d+$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta.managedFields).toEqual([
      expect.objectContaining({
        manager: 'eds-test',
        operation: 'Update',
        fieldsV1: { 'f:data': { 'f:k': {} } },
      }),
    ]);
    const duplicate = await api(k8s, 'POST', CM, configMap('crud-1'));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "crud-1" already exists',
      reason: 'AlreadyExists',
      details: { name: 'crud-1', kind: 'configmaps' },
      code: 409,
    });
  });

  test('get of a missing object is 404 NotFound naming group and resource', async () => {
    const missing = await api(k8s, 'GET', `${DEPLOYS}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
  });

  test('PUT with a stale resourceVersion is 409 Conflict; with the current one it succeeds and bumps it', async () => {
    const created = await api(k8s, 'POST', CM, configMap('cas'));
    const rv = (created.body.metadata as { resourceVersion: string }).resourceVersion;
    const first = await api(k8s, 'PUT', `${CM}/cas`, {
      ...configMap('cas', {}, { k: 'one' }),
      metadata: { name: 'cas', resourceVersion: rv },
    });
    expect(first.status).toBe(200);
    const newRv = (first.body.metadata as { resourceVersion: string }).resourceVersion;
    expect(Number(newRv)).toBeGreaterThan(Number(rv));
    const stale = await api(k8s, 'PUT', `${CM}/cas`, {
      ...configMap('cas', {}, { k: 'two' }),
      metadata: { name: 'cas', resourceVersion: rv },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'cas', kind: 'configmaps' },
    });
    // A merge patch carrying a stale resourceVersion is a precondition too.
    const stalePatch = await api(
      k8s,
      'PATCH',
      `${CM}/cas`,
      { metadata: { resourceVersion: rv }, data: { k: 'x' } },
      'application/merge-patch+json',
    );
    expect(stalePatch.status).toBe(409);
  });

  test('422 Invalid carries causes; 400 for undecodable types; namespace must exist', async () => {
    const invalid = await api(k8s, 'POST', CM, configMap('Bad_Name'));
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({
      reason: 'Invalid',
      details: {
        name: 'Bad_Name',
        kind: 'ConfigMap',
        causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }],
      },
    });
    const wrongType = await api(k8s, 'POST', CM, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'typed' },
      data: { n: 1 },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ reason: 'BadRequest' });
    const noNamespace = await api(k8s, 'POST', '/api/v1/namespaces/ghost/configmaps', configMap('x'));
    expect(noNamespace.status).toBe(404);
    expect(noNamespace.body).toMatchObject({ message: 'namespaces "ghost" not found' });
  });

  test('ConfigMaps over 1 MiB are refused as the API refuses them', async () => {
    const big = await api(k8s, 'POST', CM, configMap('big', {}, { blob: 'x'.repeat(1024 * 1024 + 1) }));
    expect(big.status).toBe(422);
    expect(big.body.message).toBe(
      'ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes',
    );
  });

  test('generation bumps on spec changes only; status writes go through /status', async () => {
    const created = await api(k8s, 'POST', DEPLOYS, deployment('gen', 'example/gen:1'));
    expect((created.body.metadata as { generation: number }).generation).toBe(1);
    const labelled = await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/gen`,
      { metadata: { labels: { extra: 'yes' } } },
      'application/merge-patch+json',
    );
    expect((labelled.body.metadata as { generation: number }).generation).toBe(1);
    const changed = await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/gen`,
      { spec: { replicas: 2 } },
      'application/merge-patch+json',
    );
    expect((changed.body.metadata as { generation: number }).generation).toBe(2);
    // Status sent to the main resource is ignored…
    const ignored = await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/gen`,
      { status: { replicas: 99 } },
      'application/merge-patch+json',
    );
    expect((ignored.body.status as { replicas?: number }).replicas).not.toBe(99);
    // …and spec sent to /status is ignored.
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/gen/status`,
      { spec: { replicas: 7 }, status: { observedGeneration: 1 } },
      'application/merge-patch+json',
    );
    const after = k8s.get('apps/v1', 'Deployment', 'default', 'gen');
    expect(after?.spec).toMatchObject({ replicas: 2 });
  });

  test('dryRun=All validates and answers without storing', async () => {
    const dry = await api(k8s, 'POST', `${CM}?dryRun=All`, configMap('dry'));
    expect(dry.status).toBe(201);
    expect((await api(k8s, 'GET', `${CM}/dry`)).status).toBe(404);
  });

  test('delete answers a Success Status; preconditions are honoured; finalizers hold an object', async () => {
    await api(k8s, 'POST', CM, configMap('del'));
    const wrongUid = await api(k8s, 'DELETE', `${CM}/del`, { preconditions: { uid: 'not-it' } });
    expect(wrongUid.status).toBe(409);
    const deleted = await api(k8s, 'DELETE', `${CM}/del`);
    expect(deleted.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'del', kind: 'configmaps' },
    });

    await api(k8s, 'POST', CM, {
      ...configMap('held'),
      metadata: { name: 'held', finalizers: ['eds.dev/cleanup'] },
    });
    const pending = await api(k8s, 'DELETE', `${CM}/held`);
    expect((pending.body.metadata as { deletionTimestamp?: string }).deletionTimestamp).toBeDefined();
    expect((await api(k8s, 'GET', `${CM}/held`)).status).toBe(200);
    await api(k8s, 'PATCH', `${CM}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    expect((await api(k8s, 'GET', `${CM}/held`)).status).toBe(404);
  });

  test('deleting a namespace terminates it and removes its contents', async () => {
    await api(k8s, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'temp' },
    });
    await api(k8s, 'POST', '/api/v1/namespaces/temp/configmaps', configMap('inside'));
    const terminating = await api(k8s, 'DELETE', '/api/v1/namespaces/temp');
    expect(terminating.body).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
    await eventually(
      async () => (await api(k8s, 'GET', '/api/v1/namespaces/temp')).status,
      (s) => s === 404,
    );
    const protectedNs = await api(k8s, 'DELETE', '/api/v1/namespaces/default');
    expect(protectedNs.status).toBe(403);
  });

  test('a wrong bearer token is 401; forbidden rules give 403 naming verb, resource and namespace', async () => {
    const unauthorized = await api(k8s, 'GET', CM, undefined, 'application/json', {
      authorization: 'Bearer wrong',
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    k8s.setForbidden([{ verb: 'patch', resource: 'deployments', namespace: 'default' }]);
    try {
      const denied = await api(
        k8s,
        'PATCH',
        `${DEPLOYS}/gen`,
        { spec: { replicas: 1 } },
        'application/merge-patch+json',
      );
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({
        reason: 'Forbidden',
        message:
          'deployments.apps "gen" is forbidden: User "system:serviceaccount:eds:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
        details: { name: 'gen', group: 'apps', kind: 'deployments' },
      });
    } finally {
      k8s.setForbidden([]);
    }
  });
});

describe('list', () => {
  test('label selectors (equality, set-based, existence) and fieldSelector on metadata.name', async () => {
    await api(
      k8s,
      'POST',
      '/api/v1/namespaces/other/configmaps',
      configMap('sel-a', { tier: 'web', env: 'prod' }),
    );
    await api(
      k8s,
      'POST',
      '/api/v1/namespaces/other/configmaps',
      configMap('sel-b', { tier: 'db', env: 'prod' }),
    );
    await api(k8s, 'POST', '/api/v1/namespaces/other/configmaps', configMap('sel-c', { tier: 'web' }));
    const names = async (query: string): Promise<string[]> => {
      const result = await api(k8s, 'GET', `/api/v1/namespaces/other/configmaps?${query}`);
      return (result.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    };
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['sel-a', 'sel-c']);
    expect(await names(`labelSelector=${encodeURIComponent('tier in (web,db),env')}`)).toEqual([
      'sel-a',
      'sel-b',
    ]);
    expect(await names(`labelSelector=${encodeURIComponent('!env')}`)).toEqual(['sel-c']);
    expect(await names(`labelSelector=${encodeURIComponent('tier!=web')}`)).toEqual(['sel-b']);
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b']);
    const bad = await api(
      k8s,
      'GET',
      `/api/v1/namespaces/other/configmaps?labelSelector=${encodeURIComponent('tier in (web')}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    const badField = await api(k8s, 'GET', '/api/v1/namespaces/other/configmaps?fieldSelector=spec.x%3Dy');
    expect(badField.body).toMatchObject({ code: 400, message: 'field label not supported: spec.x' });
  });

  test('a list carries the collection resourceVersion; items carry no kind; limit/continue pages', async () => {
    const list = await api(k8s, 'GET', '/api/v1/namespaces/other/configmaps?limit=2');
    expect(list.body).toMatchObject({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    const items = list.body.items as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items[0].kind).toBeUndefined();
    const token = (list.body.metadata as { continue: string }).continue;
    const next = await api(k8s, 'GET', `/api/v1/namespaces/other/configmaps?limit=2&continue=${token}`);
    expect((next.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual([
      'sel-c',
    ]);
    expect((next.body.metadata as { continue?: string }).continue).toBeUndefined();
  });
});

describe('patch', () => {
  test('JSON patch (test op failing is 422), strategic merge by container name, unsupported type is 415', async () => {
    await api(k8s, 'POST', CM, configMap('jp', {}, { a: '1' }));
    const ok = await api(
      k8s,
      'PATCH',
      `${CM}/jp`,
      [
        { op: 'test', path: '/data/a', value: '1' },
        { op: 'add', path: '/data/b', value: '2' },
      ],
      'application/json-patch+json',
    );
    expect(ok.body.data).toEqual({ a: '1', b: '2' });
    const failed = await api(
      k8s,
      'PATCH',
      `${CM}/jp`,
      [{ op: 'test', path: '/data/a', value: 'no' }],
      'application/json-patch+json',
    );
    expect(failed.status).toBe(422);
    const unsupported = await api(k8s, 'PATCH', `${CM}/jp`, {}, 'text/plain');
    expect(unsupported.status).toBe(415);

    const d = deployment('smp', 'example/smp:1');
    d.spec.template.spec.containers.push({ name: 'sidecar', image: 'example/side:1' });
    await api(k8s, 'POST', DEPLOYS, d);
    const patched = await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/smp`,
      {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'sidecar', image: 'example/side:2' },
                { name: 'web', $patch: 'delete' },
              ],
            },
          },
        },
      },
      'application/strategic-merge-patch+json',
    );
    const containers = (
      patched.body.spec as { template: { spec: { containers: { name: string; image: string }[] } } }
    ).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['sidecar=example/side:2']);
  });

  test('server-side apply removes fields the manager stopped applying, keeps others', async () => {
    const applied = (data: Record<string, string>) =>
      api(
        k8s,
        'PATCH',
        `${CM}/ssa?fieldManager=eds`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data },
        'application/apply-patch+yaml',
      );
    expect((await applied({ a: '1', b: '2' })).status).toBe(201);
    await api(
      k8s,
      'PATCH',
      `${CM}/ssa?fieldManager=someone`,
      { data: { c: '3' } },
      'application/merge-patch+json',
    );
    const second = await applied({ a: '1' });
    expect(second.body.data).toEqual({ a: '1', c: '3' });
    const yaml = await api(
      k8s,
      'PATCH',
      `${CM}/ssa?fieldManager=eds`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "9"\n',
      'application/apply-patch+yaml',
    );
    expect(yaml.body.data).toEqual({ a: '9', c: '3' });
    const noManager = await api(
      k8s,
      'PATCH',
      `${CM}/ssa`,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' } },
      'application/apply-patch+yaml',
    );
    expect(noManager.status).toBe(400);
    const conflict = await api(
      k8s,
      'PATCH',
      `${CM}/ssa?fieldManager=eds`,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '9', c: 'mine' } },
      'application/apply-patch+yaml',
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "someone" using v1: .data.c',
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "someone" using v1', field: '.data.c' },
        ],
      },
    });
  });
});

describe('server-side apply on associative lists', () => {
  test('containers and env merge by name: elements the manager dropped go, elements others added stay', async () => {
    const apply = (containers: unknown[]) =>
      api(
        k8s,
        'PATCH',
        `${DEPLOYS}/lists?fieldManager=eds`,
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'lists' },
          spec: {
            selector: { matchLabels: { app: 'lists' } },
            template: { metadata: { labels: { app: 'lists' } }, spec: { containers } },
          },
        },
        'application/apply-patch+yaml',
      );
    const web = {
      name: 'web',
      image: 'example/web:1',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    };
    expect((await apply([web, { name: 'sidecar', image: 'example/side:1' }])).status).toBe(201);
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/lists?fieldManager=debugger`,
      { spec: { template: { spec: { containers: [{ name: 'debug', image: 'busybox:1' }] } } } },
      'application/strategic-merge-patch+json',
    );
    const second = await apply([{ ...web, env: [{ name: 'A', value: '1' }] }]);
    expect(second.status).toBe(200);
    const containers = (
      second.body.spec as { template: { spec: { containers: { name: string; env?: unknown[] }[] } } }
    ).template.spec.containers;
    expect(containers.map((c) => c.name).sort()).toEqual(['debug', 'web']);
    expect(containers.find((c) => c.name === 'web')?.env).toEqual([{ name: 'A', value: '1' }]);
    expect((second.body.metadata as { generation: number }).generation).toBe(3);
  });
});

describe('watch', () => {
  test('events after a resourceVersion, in order, with ADDED/MODIFIED/DELETED', async () => {
    const start = await api(k8s, 'GET', '/api/v1/namespaces/default/configmaps');
    const rv = (start.body.metadata as { resourceVersion: string }).resourceVersion;
    await api(k8s, 'POST', CM, configMap('w1'));
    await api(k8s, 'PATCH', `${CM}/w1`, { data: { k: 'changed' } }, 'application/merge-patch+json');
    await api(k8s, 'DELETE', `${CM}/w1`);
    const watch = await openWatch(k8s, `${CM}?resourceVersion=${rv}`);
    expect(watch.status).toBe(200);
    const events = await watch.until((e) => e.some((x) => x.type === 'DELETED'));
    expect(events.filter((e) => e.object.metadata?.name === 'w1').map((e) => e.type)).toEqual([
      'ADDED',
      'MODIFIED',
      'DELETED',
    ]);
    const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(rvs.every((v) => v > Number(rv))).toBe(true);
    // Live events keep flowing.
    await api(k8s, 'POST', CM, configMap('w2'));
    await watch.until((e) => e.some((x) => x.type === 'ADDED' && x.object.metadata?.name === 'w2'));
    expect(events.find((e) => e.object.metadata?.name === 'w2')?.object.kind).toBe('ConfigMap');
    watch.close();
  });

  test('without resourceVersion a watch starts with the current objects; label selector transitions', async () => {
    await api(k8s, 'POST', CM, configMap('lw', { stage: 'blue' }));
    const watch = await openWatch(k8s, `${CM}?labelSelector=stage%3Dblue`);
    await watch.until((e) => e.some((x) => x.type === 'ADDED' && x.object.metadata?.name === 'lw'));
    await api(
      k8s,
      'PATCH',
      `${CM}/lw`,
      { metadata: { labels: { stage: 'green' } } },
      'application/merge-patch+json',
    );
    await watch.until((e) => e.some((x) => x.type === 'DELETED' && x.object.metadata?.name === 'lw'));
    await api(
      k8s,
      'PATCH',
      `${CM}/lw`,
      { metadata: { labels: { stage: 'blue' } } },
      'application/merge-patch+json',
    );
    await watch.until(
      (e) => e.filter((x) => x.type === 'ADDED' && x.object.metadata?.name === 'lw').length === 2,
    );
    watch.close();
  });

  test('bookmarks carry a resourceVersion; sendInitialEvents ends with the initial-events-end bookmark', async () => {
    const watch = await openWatch(
      k8s,
      `${CM}?allowWatchBookmarks=true&resourceVersion=${k8s.store.resourceVersion()}`,
    );
    const events = await watch.until((e) => e.some((x) => x.type === 'BOOKMARK'), 3000);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    watch.close();

    const initial = await openWatch(
      k8s,
      `${CM}?sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
    );
    const first = await initial.until((e) => e.some((x) => x.type === 'BOOKMARK'));
    const end = first.findIndex((x) => x.type === 'BOOKMARK');
    expect(first[end].object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(first.slice(0, end).every((x) => x.type === 'ADDED')).toBe(true);
    expect(end).toBeGreaterThan(0);
    initial.close();
  });

  test('timeoutSeconds ends the stream; a too-old resourceVersion gets an ERROR 410 Expired event', async () => {
    const started = Date.now();
    const watch = await openWatch(
      k8s,
      `${CM}?timeoutSeconds=1&resourceVersion=${k8s.store.resourceVersion()}`,
    );
    await watch.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);

    const small = await startEmulator({ watchHistory: 5 });
    try {
      const first = (await api(small, 'GET', CM)).body.metadata as { resourceVersion: string };
      for (let i = 0; i < 10; i++) await api(small, 'POST', CM, configMap(`old-${i}`));
      const expired = await openWatch(small, `${CM}?resourceVersion=${first.resourceVersion}`);
      await expired.ended;
      expect(expired.events).toHaveLength(1);
      expect(expired.events[0]).toMatchObject({
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired' },
      });
    } finally {
      await small.close();
    }
  });

  test('a Deployment watch sees status progress to ready replicas', async () => {
    const watch = await openWatch(k8s, `${DEPLOYS}?fieldSelector=metadata.name%3Dwatched`);
    await api(k8s, 'POST', DEPLOYS, deployment('watched', 'example/w:1', 2));
    const events = await watch.until((e) =>
      e.some((x) => (x.object.status as { readyReplicas?: number } | undefined)?.readyReplicas === 2),
    );
    expect(events[0].type).toBe('ADDED');
    expect(events.slice(1).every((e) => e.type === 'MODIFIED')).toBe(true);
    watch.close();
    await sleep(10);
  });
});
