/**
 * Fidelity: the real kubectl (a separate process) against the emulator. What kubectl prints and
 * decides — apply results and conflicts, rollout status, tables, errors — must be what it would
 * print against an API server in the same state.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubernetesEmulator } from '../emulators/kubernetes/index.js';
import { startEmulator } from '../emulators/kubernetes/index.js';
import type { CommandResult } from './helpers.js';
import { api, deploymentManifest, eventually, findKubectl, makeKubectl, manifestFile } from './helpers.js';

const kubectlPath = findKubectl();
if (!kubectlPath) {
  console.warn(
    'NOTICE: kubectl not found on PATH: the kubectl fidelity suite of the Kubernetes emulator is SKIPPED.',
  );
}
const describeWithKubectl = kubectlPath ? describe : describe.skip;

describeWithKubectl('kubectl against the Kubernetes emulator', () => {
  let k8s: KubernetesEmulator;
  let kubectl: (args: string[], options?: { input?: string; timeoutMs?: number }) => Promise<CommandResult>;

  beforeAll(async () => {
    k8s = await startEmulator({ readyDelayMs: 150, namespaces: ['team-a'] });
    kubectl = makeKubectl(kubectlPath ?? 'kubectl', k8s);
  });
  afterAll(async () => {
    await k8s.close();
  });

  test('apply --server-side creates, then updates; get -o json shows what the API stores', async () => {
    const file = manifestFile(deploymentManifest('api', 'registry.example.com/api:1.0.0'));
    const created = await kubectl(['apply', '--server-side', '-f', file]);
    expect(created).toMatchObject({ code: 0, stdout: 'deployment.apps/api serverside-applied\n' });
    const again = await kubectl(['apply', '--server-side', '-f', file]);
    expect(again.stdout).toBe('deployment.apps/api serverside-applied\n');

    const updated = await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('api', 'registry.example.com/api:1.1.0')),
    ]);
    expect(updated.code).toBe(0);
    const shown = JSON.parse(
      (await kubectl(['get', 'deploy', 'api', '-o', 'json', '--show-managed-fields'])).stdout,
    ) as {
      metadata: {
        generation: number;
        resourceVersion: string;
        uid: string;
        managedFields: { manager: string; operation: string }[];
      };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(shown.metadata.generation).toBe(2);
    expect(shown.spec.template.spec.containers[0].image).toBe('registry.example.com/api:1.1.0');
    expect(shown.metadata.managedFields).toEqual(
      expect.arrayContaining([expect.objectContaining({ manager: 'kubectl', operation: 'Apply' })]),
    );
    const direct = await api(k8s, 'GET', '/apis/apps/v1/namespaces/default/deployments/api');
    const directMeta = direct.body.metadata as { uid: string };
    expect(shown.metadata.uid).toBe(directMeta.uid);
    expect(
      k8s.requests.some(
        (r) =>
          r.method === 'PATCH' &&
          r.contentType === 'application/apply-patch+yaml' &&
          r.query.includes('fieldManager=kubectl'),
      ),
    ).toBe(true);
  });

  test('a second field manager conflicts on a field kubectl owns; --force-conflicts takes it over', async () => {
    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('shared', 'registry.example.com/shared:1', { replicas: 2 })),
    ]);
    const rival = manifestFile(
      deploymentManifest('shared', 'registry.example.com/shared:1', { replicas: 5 }),
    );
    const refused = await kubectl(['apply', '--server-side', '--field-manager=eds', '-f', rival]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(k8s.get('apps/v1', 'Deployment', 'default', 'shared')?.spec).toMatchObject({ replicas: 2 });

    const forced = await kubectl([
      'apply',
      '--server-side',
      '--field-manager=eds',
      '--force-conflicts',
      '-f',
      rival,
    ]);
    expect(forced.code).toBe(0);
    const after = k8s.get('apps/v1', 'Deployment', 'default', 'shared');
    expect(after?.spec).toMatchObject({ replicas: 5 });
    const owners = after?.metadata.managedFields ?? [];
    const eds = owners.find((o) => o.manager === 'eds');
    const original = owners.find((o) => o.manager === 'kubectl');
    expect(eds?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    expect(original?.fieldsV1).not.toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    // Same value, different manager: shared ownership, no conflict.
    const sameValue = await kubectl(['apply', '--server-side', '--field-manager=third', '-f', rival]);
    expect(sameValue.code).toBe(0);
  });

  test('kubectl scale takes spec.replicas (through /scale); a later apply by the old owner conflicts', async () => {
    const file = manifestFile(deploymentManifest('scaled', 'registry.example.com/s:1', { replicas: 1 }));
    await kubectl(['apply', '--server-side', '-f', file]);
    const scaled = await kubectl(['scale', 'deployment/scaled', '--replicas=3']);
    expect(scaled).toMatchObject({ code: 0, stdout: 'deployment.apps/scaled scaled\n' });
    expect(
      k8s.requests.some((r) => r.path.endsWith('/deployments/scaled/scale') && r.method === 'PATCH'),
    ).toBe(true);
    const conflict = await kubectl(['apply', '--server-side', '-f', file]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(
      /conflict with "kubectl[^"]*" with subresource "scale" using apps\/v1: \.spec\.replicas/,
    );
  });

  test('rollout status succeeds once the pods are ready, and get shows the printer columns', async () => {
    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('ready', 'registry.example.com/ready:1', { replicas: 3 })),
    ]);
    const rollout = await kubectl(['rollout', 'status', 'deployment/ready', '--timeout=30s']);
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toContain('deployment "ready" successfully rolled out');
    const table = await kubectl(['get', 'deploy', 'ready']);
    expect(table.stdout).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nready\s+3\/3\s+3\s+3\s+\d+s\n$/,
    );
    const pods = await kubectl(['get', 'pods', '-l', 'app=ready', '-o', 'json']);
    const items = (
      JSON.parse(pods.stdout) as {
        items: { metadata: { labels: Record<string, string> }; status: { phase: string } }[];
      }
    ).items;
    expect(items).toHaveLength(3);
    for (const pod of items) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.metadata.labels['pod-template-hash']).toMatch(/^[a-z0-9]+$/);
    }
    // Watches, not polling: kubectl's rollout status watched the Deployment by name.
    expect(
      k8s.requests.some(
        (r) =>
          r.verb === 'watch' &&
          r.path === '/apis/apps/v1/namespaces/default/deployments' &&
          r.query.includes('metadata.name%3Dready'),
      ),
    ).toBe(true);
  });

  test('a rolling update is tracked to completion; rollout undo goes back to the previous revision', async () => {
    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('roll', 'registry.example.com/roll:1', { replicas: 4 })),
    ]);
    expect((await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=30s'])).code).toBe(0);
    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('roll', 'registry.example.com/roll:2', { replicas: 4 })),
    ]);
    const rollout = await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=30s']);
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toContain('successfully rolled out');
    const rs = JSON.parse((await kubectl(['get', 'rs', '-l', 'app=roll', '-o', 'json'])).stdout) as {
      items: { metadata: { annotations: Record<string, string> }; spec: { replicas: number } }[];
    };
    const byRevision = Object.fromEntries(
      rs.items.map((r) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r.spec.replicas]),
    );
    expect(byRevision).toEqual({ '1': 0, '2': 4 });

    const undo = await kubectl(['rollout', 'undo', 'deployment/roll']);
    expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/roll rolled back\n' });
    expect((await kubectl(['rollout', 'status', 'deployment/roll', '--timeout=30s'])).code).toBe(0);
    const image = await kubectl([
      'get',
      'deploy',
      'roll',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    ]);
    expect(image.stdout).toBe('registry.example.com/roll:1 3');
  });

  test('rollout status fails when the image cannot be pulled and the progress deadline passes', async () => {
    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(
        deploymentManifest('broken', 'registry.example.com/broken:2.0.0-pullfail', {
          replicas: 1,
          progressDeadlineSeconds: 1,
        }),
      ),
    ]);
    const rollout = await kubectl(['rollout', 'status', 'deployment/broken', '--timeout=30s']);
    expect(rollout.code).not.toBe(0);
    expect(rollout.stderr).toContain('error: deployment "broken" exceeded its progress deadline');
    const pods = await kubectl(['get', 'pods', '-l', 'app=broken']);
    expect(pods.stdout).toMatch(/broken-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0/);
  });

  test('get leases shows the holder; get -o json the spec', async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, '.000000Z');
    const created = await api(k8s, 'POST', '/apis/coordination.k8s.io/v1/namespaces/team-a/leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'eds-lock-prod' },
      spec: { holderIdentity: 'runner-7', leaseDurationSeconds: 30, acquireTime: now, renewTime: now },
    });
    expect(created.status).toBe(201);
    const table = await kubectl(['get', 'leases', '-n', 'team-a']);
    expect(table.stdout).toMatch(/^NAME\s+HOLDER\s+AGE\neds-lock-prod\s+runner-7\s+\d+s\n$/);
    const json = JSON.parse(
      (await kubectl(['get', 'lease', 'eds-lock-prod', '-n', 'team-a', '-o', 'json'])).stdout,
    ) as { spec: unknown };
    expect(json.spec).toEqual({
      holderIdentity: 'runner-7',
      leaseDurationSeconds: 30,
      acquireTime: now,
      renewTime: now,
    });
  });

  test('label selectors: get cm -l (equality and set-based)', async () => {
    for (const [name, app] of [
      ['cm-x', 'x'],
      ['cm-y', 'y'],
      ['cm-z', 'z'],
    ]) {
      const result = await kubectl(['create', 'configmap', name, `--from-literal=app=${app}`]);
      expect(result.code).toBe(0);
      expect((await kubectl(['label', 'configmap', name, `app=${app}`])).code).toBe(0);
    }
    const names = async (selector: string): Promise<string> =>
      (await kubectl(['get', 'cm', '-l', selector, '-o', 'name'])).stdout.trim();
    expect(await names('app=x')).toBe('configmap/cm-x');
    expect(await names('app in (x,z)')).toBe('configmap/cm-x\nconfigmap/cm-z');
    expect(await names('app,app notin (x)')).toBe('configmap/cm-y\nconfigmap/cm-z');
    expect(await names('app!=y')).toBe('configmap/cm-x\nconfigmap/cm-z');
    const none = await kubectl(['get', 'cm', '-l', 'app=nope']);
    expect(none.stderr).toBe('No resources found in default namespace.\n');
    const bad = await kubectl(['get', 'cm', '-l', 'app in (x']);
    expect(bad.code).not.toBe(0);
  });

  test('patch --type merge and the default strategic patch', async () => {
    await kubectl(['create', 'configmap', 'patch-me', '--from-literal=a=1']);
    const merged = await kubectl([
      'patch',
      'configmap',
      'patch-me',
      '--type',
      'merge',
      '-p',
      '{"data":{"b":"2","a":null}}',
    ]);
    expect(merged).toMatchObject({ code: 0, stdout: 'configmap/patch-me patched\n' });
    expect(k8s.get('v1', 'ConfigMap', 'default', 'patch-me')?.data).toEqual({ b: '2' });
    const unchanged = await kubectl([
      'patch',
      'configmap',
      'patch-me',
      '--type',
      'merge',
      '-p',
      '{"data":{"b":"2"}}',
    ]);
    expect(unchanged.stdout).toBe('configmap/patch-me patched (no change)\n');

    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('strategic', 'registry.example.com/st:1', { replicas: 1 })),
    ]);
    const strategic = await kubectl([
      'patch',
      'deployment',
      'strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"MODE","value":"canary"}]}]}}}}',
    ]);
    expect(strategic.code).toBe(0);
    const containers = (
      k8s.get('apps/v1', 'Deployment', 'default', 'strategic')?.spec as {
        template: { spec: { containers: Record<string, unknown>[] } };
      }
    ).template.spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: 'web',
      image: 'registry.example.com/st:1',
      env: [{ name: 'MODE', value: 'canary' }],
    });
  });

  test('delete removes the object (and a Deployment its ReplicaSets and Pods); errors read as from a cluster', async () => {
    await kubectl([
      'apply',
      '--server-side',
      '-f',
      manifestFile(deploymentManifest('doomed', 'registry.example.com/d:1', { replicas: 2 })),
    ]);
    await kubectl(['rollout', 'status', 'deployment/doomed', '--timeout=30s']);
    const deleted = await kubectl(['delete', 'deployment', 'doomed']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deployment.apps "doomed" deleted\n' });
    await eventually(
      async () => (await kubectl(['get', 'rs,pods', '-l', 'app=doomed', '-o', 'name'])).stdout,
      (out) => out.trim() === '',
    );
    const missing = await kubectl(['get', 'deployment', 'doomed']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): deployments.apps "doomed" not found\n');
    const again = await kubectl(['delete', 'configmap', 'never-was']);
    expect(again.stderr).toBe('Error from server (NotFound): configmaps "never-was" not found\n');
  });

  test('403 from a forbidden rule reads as RBAC denial', async () => {
    k8s.setForbidden([{ verb: 'list', resource: 'deployments', namespace: 'team-a' }]);
    try {
      const denied = await kubectl(['get', 'deployments', '-n', 'team-a']);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain(
        'Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:eds:deployer" cannot list resource "deployments" in API group "apps" in the namespace "team-a"',
      );
      expect((await kubectl(['get', 'deployments', '-n', 'default'])).code).toBe(0);
    } finally {
      k8s.setForbidden([]);
    }
  });

  test('a mistyped field is refused by apply and by strict create, dropped with a warning otherwise', async () => {
    const typo = manifestFile(
      deploymentManifest('typo', 'registry.example.com/t:1').replace('  replicas: 2', '  replica: 2'),
    );
    const applied = await kubectl(['apply', '--server-side', '-f', typo]);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(
      'Error from server (BadRequest): failed to create typed patch object (default/typo; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema',
    );
    const strict = await kubectl(['create', '-f', typo]);
    expect(strict.stderr).toContain('strict decoding error: unknown field "spec.replica"');
    const warned = await kubectl(['create', '--validate=warn', '-f', typo]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: unknown field "spec.replica"');
    expect(k8s.get('apps/v1', 'Deployment', 'default', 'typo')?.spec).toMatchObject({ replicas: 1 });
    expect(k8s.get('apps/v1', 'Deployment', 'default', 'typo')?.spec).not.toHaveProperty('replica');
  });

  test('create -f of an invalid object: 422 with the field, as kubectl prints it', async () => {
    const bad = manifestFile(`apiVersion: apps/v1
kind: Deployment
metadata: { name: mismatch }
spec:
  selector: { matchLabels: { app: a } }
  template:
    metadata: { labels: { app: b } }
    spec: { containers: [{ name: web, image: x:1 }] }
`);
    const result = await kubectl(['create', '-f', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'The Deployment "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
    );
  });
});
