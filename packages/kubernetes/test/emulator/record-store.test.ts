import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RecordStore, type AcquireLockOptions } from '@eds/core';
import { startEmulator, type KubernetesEmulator } from '../../../../test/emulators/kubernetes/server.js';
import { connect } from '../../src/connection/cluster.js';
import { ConfigMapBackend } from '../../src/store/configmap-backend.js';
import { documentName } from '../../src/store/document-names.js';

let emulator: KubernetesEmulator;
let backend: ConfigMapBackend;

beforeAll(async () => {
  emulator = await startEmulator({ namespaces: ['eds-records'] });
  const cluster = connect({ kubeconfig: emulator.kubeconfigPath, namespace: 'eds-records' });
  backend = new ConfigMapBackend(cluster.client, 'eds-records');
});
afterAll(() => emulator.close());

describe('ConfigMap document backend against the emulator', () => {
  it('creates revision 1 once; a second create of it loses (409 AlreadyExists)', async () => {
    expect(await backend.create('records/app/dev/one', 1, '{"v":1}')).toBe(true);
    expect(await backend.create('records/app/dev/one', 1, '{"v":"other"}')).toBe(false);
    expect(await backend.readLatest('records/app/dev/one')).toMatchObject({ revision: 1, text: '{"v":1}' });
  });

  it('updates with the resourceVersion it read; a writer holding a stale one loses (409 Conflict)', async () => {
    const other = new ConfigMapBackend(
      connect({ kubeconfig: emulator.kubeconfigPath }).client,
      'eds-records',
    );
    await backend.create('records/app/dev/two', 1, '{"v":1}');
    await backend.readLatest('records/app/dev/two');
    await other.readLatest('records/app/dev/two');
    expect(await other.create('records/app/dev/two', 2, '{"v":"other"}')).toBe(true);
    expect(await backend.create('records/app/dev/two', 2, '{"v":"mine"}')).toBe(false);
    expect(await backend.create('records/app/dev/two', 2, '{"v":"mine"}')).toBe(false);
    expect(await backend.readLatest('records/app/dev/two')).toMatchObject({
      revision: 2,
      text: '{"v":"other"}',
    });
    expect(await backend.create('records/app/dev/two', 3, '{"v":3}')).toBe(true);
  });

  it('labels ConfigMaps with app/env/kind and keeps the exact key in an annotation', async () => {
    const object = emulator.get('v1', 'ConfigMap', 'eds-records', documentName('records/app/dev/one'));
    expect(object?.metadata.labels).toMatchObject({
      'eds.dev/kind': 'records',
      'eds.dev/app': 'app',
      'eds.dev/env': 'dev',
      'app.kubernetes.io/managed-by': 'eds',
    });
    expect(object?.metadata.annotations?.['eds.dev/key']).toBe('records/app/dev/one');
    expect((await backend.children('records')).sort()).toEqual(['app']);
    expect((await backend.children('records/app/dev')).sort()).toEqual(['one', 'two']);
  });

  it('compresses a large document into binaryData and reads it back', async () => {
    const text = JSON.stringify({
      events: Array.from({ length: 4000 }, (_, i) => ({ seq: i, note: 'step done' })),
    });
    expect(await backend.create('records/app/dev/big', 1, text)).toBe(true);
    const object = emulator.get('v1', 'ConfigMap', 'eds-records', documentName('records/app/dev/big')) as {
      binaryData?: Record<string, string>;
    };
    expect(Object.keys(object.binaryData ?? {})).toEqual(['document.json.gz']);
    expect((await backend.readLatest('records/app/dev/big'))?.text).toBe(text);
  });
});

describe('RecordStore over the Kubernetes backend', () => {
  it('holds the environment lock as a Lease, with takeover after expiry', async () => {
    let now = new Date('2025-01-01T10:00:00Z');
    const store = new RecordStore(backend, () => now);
    const owner = { user: 'alice', frontEnd: 'cli' };
    const lock = (holder: string): AcquireLockOptions => ({ holder, owner, ttlMs: 60_000 });
    await store.acquireLock('hello', 'prod', lock('dep-1'));
    const lease = emulator.get(
      'coordination.k8s.io/v1',
      'Lease',
      'eds-records',
      documentName('locks/hello/prod'),
    ) as {
      spec?: Record<string, unknown>;
    };
    expect(lease.spec).toMatchObject({
      holderIdentity: 'dep-1',
      leaseDurationSeconds: 60,
      acquireTime: '2025-01-01T10:00:00.000000Z',
    });
    await expect(store.acquireLock('hello', 'prod', lock('dep-2'))).rejects.toMatchObject({
      code: 'ENVIRONMENT_LOCKED',
    });
    now = new Date('2025-01-01T10:02:00Z');
    const taken = await store.acquireLock('hello', 'prod', lock('dep-2'));
    expect(taken.note).toMatch(/taken over from dep-1/);
    await store.releaseLock('hello', 'prod', 'dep-2');
    const free = emulator.get(
      'coordination.k8s.io/v1',
      'Lease',
      'eds-records',
      documentName('locks/hello/prod'),
    ) as {
      spec?: Record<string, unknown>;
    };
    expect(free.spec?.holderIdentity).toBeUndefined();
    expect((await store.getLock('hello', 'prod'))?.state).toBe('free');
  });

  it('reports a hand-edited ConfigMap as a corrupt record and still lists the others', async () => {
    const store = new RecordStore(backend);
    await backend.create('records/hello/prod/hello.prod.20250101100000000.ab12', 1, '{"apiVersion":');
    const { client } = connect({ kubeconfig: emulator.kubeconfigPath });
    const name = documentName('records/hello/prod/hello.prod.20250101100000000.ab12');
    await client.request('PATCH', `/api/v1/namespaces/eds-records/configmaps/${name}`, {
      body: { data: { 'document.json': '{ hand edited, not json' } },
      contentType: 'application/merge-patch+json',
    });
    await expect(store.get('hello.prod.20250101100000000.ab12')).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
      location: { file: `ConfigMap eds-records/${name}` },
    });
    await backend.create('records/hello/prod/hello.prod.20250101100000001.ab12', 1, '{"apiVersion":');
    const listed = await store.list({ application: 'hello', environment: 'prod' });
    expect(listed.problems.map((p) => p.code)).toEqual(['CORRUPT_RECORD', 'CORRUPT_RECORD']);
  });
});
