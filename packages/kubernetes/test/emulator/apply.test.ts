import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type KubernetesEmulator } from '../../../../test/emulators/kubernetes/server.js';
import { applyManifests, applyObject } from '../../src/apply/apply.js';
import type { Manifest } from '../../src/apply/manifest.js';
import { prune, PRUNABLE_LABEL } from '../../src/apply/prune.js';
import { connect, type Cluster } from '../../src/connection/cluster.js';

let emulator: KubernetesEmulator;
let cluster: Cluster;
const owner = { application: 'hello', environment: 'dev', deploymentId: 'hello.dev.20250101100000000.ab12' };

const configMap = (name: string, data: Record<string, string>): Manifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

beforeAll(async () => {
  emulator = await startEmulator({ namespaces: ['team'] });
  cluster = connect({ kubeconfig: emulator.kubeconfigPath, namespace: 'team' });
});
afterAll(() => emulator.close());

describe('server-side apply against the emulator', () => {
  it('applies in order with field manager eds and ownership labels', async () => {
    const service: Manifest = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'hello-web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    };
    const applied = await applyManifests(
      cluster.client,
      cluster.discovery,
      [service, configMap('hello-config', { a: '1' })],
      {
        namespace: 'team',
        owner,
        labels: { [PRUNABLE_LABEL]: 'true' },
      },
    );
    expect(applied.map((a) => a.object.kind)).toEqual(['ConfigMap', 'Service']);
    const stored = emulator.get('v1', 'ConfigMap', 'team', 'hello-config');
    expect(stored?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'eds',
      'eds.dev/environment': 'dev',
    });
    expect(stored?.metadata.managedFields?.map((f) => `${f.manager}/${f.operation}`)).toContain('eds/Apply');
    expect(
      emulator.requests
        .filter((r) => r.method === 'PATCH')
        .every((r) => r.contentType === 'application/apply-patch+yaml'),
    ).toBe(true);
  });

  it('stops before applying anything when a manifest has an unknown kind', async () => {
    const before = emulator.requests.filter((r) => r.method === 'PATCH').length;
    const error = await applyManifests(
      cluster.client,
      cluster.discovery,
      [
        configMap('first', { a: '1' }),
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      ],
      { namespace: 'team', owner },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNKNOWN_KIND', exitCode: 2 });
    expect((error as Error).message).toMatch(/does not serve kind Widget in example.com\/v1/);
    expect(emulator.requests.filter((r) => r.method === 'PATCH').length).toBe(before);
  });

  it('reports a conflict with another field manager, and forces only when asked', async () => {
    const info = await cluster.discovery.resolve('v1', 'ConfigMap');
    const base = {
      ...configMap('shared', { owner: 'kubectl' }),
      metadata: { name: 'shared', namespace: 'team' },
    };
    await applyObject(cluster.client, info, base, { fieldManager: 'kubectl' });
    const mine = { ...base, data: { owner: 'eds' } };
    const error = await applyObject(cluster.client, info, mine, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'APPLY_CONFLICT' });
    expect((error as Error).message).toMatch(/kubectl/);
    expect((error as Error).message).toMatch(/--force-conflicts/);
    expect(
      (emulator.get('v1', 'ConfigMap', 'team', 'shared') as { data?: Record<string, string> }).data?.owner,
    ).toBe('kubectl');
    await applyObject(cluster.client, info, mine, { forceConflicts: true });
    expect(
      (emulator.get('v1', 'ConfigMap', 'team', 'shared') as { data?: Record<string, string> }).data?.owner,
    ).toBe('eds');
  });

  it('prunes what the render no longer has, only its own objects, never in protected namespaces', async () => {
    await applyManifests(cluster.client, cluster.discovery, [configMap('old', { a: '1' })], {
      namespace: 'team',
      owner,
      labels: { [PRUNABLE_LABEL]: 'true' },
    });
    const deleted = await prune(
      cluster.client,
      cluster.discovery,
      [configMap('hello-config', {}), { kind: 'Service', metadata: { name: 'hello-web' } }],
      {
        namespace: 'team',
        application: 'hello',
        environment: 'dev',
      },
    );
    expect(deleted.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/old']);
    expect(emulator.get('v1', 'ConfigMap', 'team', 'old')).toBeUndefined();
    expect(emulator.get('v1', 'ConfigMap', 'team', 'shared')).toBeDefined();
    await expect(
      prune(cluster.client, cluster.discovery, [], {
        namespace: 'default',
        application: 'hello',
        environment: 'dev',
      }),
    ).rejects.toMatchObject({ code: 'PROTECTED_NAMESPACE' });
  });

  it('names verb, resource and namespace on a 403', async () => {
    emulator.setForbidden([{ verb: 'patch', resource: 'configmaps', namespace: 'team' }]);
    try {
      const error = await applyManifests(
        cluster.client,
        cluster.discovery,
        [configMap('denied', { a: '1' })],
        {
          namespace: 'team',
          owner,
        },
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'KUBERNETES_FORBIDDEN', exitCode: 5 });
      expect((error as Error).message).toMatch(/cannot patch configmaps "denied" in namespace team/);
    } finally {
      emulator.setForbidden([]);
    }
  });
});
