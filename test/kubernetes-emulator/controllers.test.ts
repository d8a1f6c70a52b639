/**
 * The emulated controllers and kubelet: Deployment → ReplicaSet → Pods, rolling updates within
 * maxSurge/maxUnavailable, injected failures by image tag, Jobs, garbage collection.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubeObject, KubernetesEmulator } from '../emulators/kubernetes/index.js';
import { behaviourOf, startEmulator } from '../emulators/kubernetes/index.js';
import { api, eventually, openWatch } from './helpers.js';

const NS = 'ctl';
const DEPLOYS = `/apis/apps/v1/namespaces/${NS}/deployments`;
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;

let k8s: KubernetesEmulator;
beforeAll(async () => {
  k8s = await startEmulator({
    readyDelayMs: 100,
    slowReadyDelayMs: 1500,
    crashLoopIntervalMs: 100,
    jobRunMs: 100,
    namespaces: [NS],
  });
});
afterAll(async () => {
  await k8s.close();
});

function deployment(name: string, image: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      ...spec,
    },
  };
}

function podsOf(app: string): KubeObject[] {
  return k8s.list('v1', 'Pod', NS).filter((p) => p.metadata.labels?.app === app);
}

function containerStatus(pod: KubeObject): Record<string, unknown> {
  return ((pod.status as { containerStatuses?: Record<string, unknown>[] }).containerStatuses ?? [])[0] ?? {};
}

function deploymentStatus(name: string): Record<string, unknown> {
  return (k8s.get('apps/v1', 'Deployment', NS, name)?.status ?? {}) as Record<string, unknown>;
}

test('failure words are read from the image tag', () => {
  expect(behaviourOf('registry.example.com/web:crashloop')).toBe('crashloop');
  expect(behaviourOf('web:1.3.0-pullfail')).toBe('pullfail');
  expect(behaviourOf('localhost:5000/web:slow')).toBe('slow');
  expect(behaviourOf('localhost:5000/web')).toBe('normal');
  expect(behaviourOf('web:1.0.0')).toBe('normal');
  expect(behaviourOf('web:pullfailure')).toBe('normal');
  expect(behaviourOf('web:2-unschedulable')).toBe('unschedulable');
});

describe('Deployment controller', () => {
  test('creates a ReplicaSet with pod-template-hash and revision 1, pods become Ready, status complete', async () => {
    await api(k8s, 'POST', DEPLOYS, deployment('basic', 'example/basic:1'));
    const status = await eventually(
      () => deploymentStatus('basic'),
      (s) => s.availableReplicas === 2,
    );
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const conditions = status.conditions as { type: string; status: string; reason: string }[];
    expect(conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }),
        expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }),
      ]),
    );
    const rsList = (
      await api(k8s, 'GET', `/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3Dbasic`)
    ).body.items as KubeObject[];
    expect(rsList).toHaveLength(1);
    const rs = rsList[0];
    const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
    expect(rs.metadata.name).toBe(`basic-${hash}`);
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1' });
    expect(rs.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'basic', controller: true }),
    ]);
    for (const pod of podsOf('basic')) {
      expect(pod.metadata.labels?.['pod-template-hash']).toBe(hash);
      expect(pod.status).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.244\./) });
      expect(containerStatus(pod)).toMatchObject({
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: {} },
      });
    }
    expect(k8s.get('apps/v1', 'Deployment', NS, 'basic')?.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
    });
  });

  test('a rolling update with maxUnavailable 0 never drops below the desired available count', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await api(k8s, 'POST', DEPLOYS, deployment('surge', 'example/surge:1', { replicas: 3, strategy }));
    await eventually(
      () => deploymentStatus('surge'),
      (s) => s.availableReplicas === 3,
    );
    const watch = await openWatch(
      k8s,
      `${DEPLOYS}?fieldSelector=metadata.name%3Dsurge&resourceVersion=${k8s.store.resourceVersion()}`,
    );
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/surge`,
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'example/surge:2' }] } } } },
      'application/strategic-merge-patch+json',
    );
    const events = await watch.until((e) =>
      e.some((x) => {
        const s = x.object.status as Record<string, unknown>;
        return (
          s.updatedReplicas === 3 &&
          s.availableReplicas === 3 &&
          s.replicas === 3 &&
          s.observedGeneration === 2
        );
      }),
    );
    watch.close();
    for (const event of events) {
      const s = event.object.status as { availableReplicas?: number; replicas?: number };
      expect(s.availableReplicas ?? 0).toBeGreaterThanOrEqual(3);
      expect(s.replicas ?? 0).toBeLessThanOrEqual(4);
    }
    expect(
      k8s.get('apps/v1', 'Deployment', NS, 'surge')?.metadata.annotations?.[
        'deployment.kubernetes.io/revision'
      ],
    ).toBe('2');
  });

  test('scaling through /scale changes the ReplicaSet and the pods', async () => {
    await api(k8s, 'POST', DEPLOYS, deployment('scaling', 'example/s:1', { replicas: 1 }));
    await eventually(
      () => deploymentStatus('scaling'),
      (s) => s.availableReplicas === 1,
    );
    const scale = await api(k8s, 'GET', `${DEPLOYS}/scaling/scale`);
    expect(scale.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 1 },
      status: { replicas: 1, selector: 'app=scaling' },
    });
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/scaling/scale`,
      { spec: { replicas: 3 } },
      'application/merge-patch+json',
    );
    await eventually(
      () => podsOf('scaling').length,
      (n) => n === 3,
    );
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/scaling/scale`,
      { spec: { replicas: 0 } },
      'application/merge-patch+json',
    );
    await eventually(
      () => podsOf('scaling').length,
      (n) => n === 0,
    );
    const s = await eventually(
      () => deploymentStatus('scaling'),
      (st) => st.observedGeneration === 3 && st.replicas === undefined,
    );
    // Zero counters are omitted, as omitempty does on the real API.
    expect(s.availableReplicas).toBeUndefined();
  });

  test('ProgressDeadlineExceeded after progressDeadlineSeconds without progress', async () => {
    await api(
      k8s,
      'POST',
      DEPLOYS,
      deployment('deadline', 'example/d:1-crashloop', { replicas: 1, progressDeadlineSeconds: 1 }),
    );
    const status = await eventually(
      () => deploymentStatus('deadline'),
      (s) =>
        (s.conditions as { type: string; reason: string }[] | undefined)?.some(
          (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
        ) === true,
      6000,
    );
    const progressing = (status.conditions as Record<string, string>[]).find((c) => c.type === 'Progressing');
    expect(progressing).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/^ReplicaSet "deadline-[a-z0-9]+" has timed out progressing\.$/),
    });
    expect(status.unavailableReplicas).toBe(1);
  });

  test('deleting a Deployment garbage-collects its ReplicaSets and Pods; Orphan keeps them', async () => {
    await api(k8s, 'POST', DEPLOYS, deployment('gc', 'example/gc:1', { replicas: 1 }));
    await eventually(
      () => podsOf('gc').length,
      (n) => n === 1,
    );
    await api(k8s, 'DELETE', `${DEPLOYS}/gc`);
    await eventually(
      () => podsOf('gc').length,
      (n) => n === 0,
    );

    await api(k8s, 'POST', DEPLOYS, deployment('orphan', 'example/o:1', { replicas: 1 }));
    await eventually(
      () => podsOf('orphan').length,
      (n) => n === 1,
    );
    await api(k8s, 'DELETE', `${DEPLOYS}/orphan?propagationPolicy=Orphan`);
    await new Promise((r) => setTimeout(r, 150));
    const rs = (
      await api(k8s, 'GET', `/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3Dorphan`)
    ).body.items as KubeObject[];
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences).toBeUndefined();
  });
});

describe('injected failures', () => {
  test('crashloop: waiting CrashLoopBackOff, restartCount rising, lastState terminated', async () => {
    await api(k8s, 'POST', DEPLOYS, deployment('crash', 'example/c:1.0.0-crashloop', { replicas: 1 }));
    const pod = await eventually(
      () => podsOf('crash')[0],
      (p) => p !== undefined && Number(containerStatus(p).restartCount) >= 3,
      5000,
    );
    expect(containerStatus(pod)).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message: expect.stringContaining('back-off') } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect((pod.status as { phase: string }).phase).toBe('Running');
  });

  test('pullfail: ErrImagePull then ImagePullBackOff, "not found"', async () => {
    // A watch sees every status the kubelet writes, so the short ErrImagePull phase cannot be missed.
    const watch = await openWatch(k8s, `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dpull`);
    await api(k8s, 'POST', DEPLOYS, deployment('pull', 'registry.example.com/p:pullfail', { replicas: 1 }));
    const waitingOf = (object: Record<string, unknown>): { reason: string; message?: string } | undefined =>
      (
        containerStatus(object as KubeObject).state as
          { waiting?: { reason: string; message?: string } } | undefined
      )?.waiting;
    const events = await watch.until((e) =>
      e.some((x) => waitingOf(x.object)?.reason === 'ImagePullBackOff'),
    );
    watch.close();
    const reasons = [
      ...new Set(events.map((e) => waitingOf(e.object)?.reason).filter((r) => r !== undefined)),
    ];
    expect(reasons).toEqual(['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']);
    const pullError = events.map((e) => waitingOf(e.object)).find((w) => w?.reason === 'ErrImagePull');
    expect(pullError?.message).toContain('registry.example.com/p:pullfail: not found');
    const last = events[events.length - 1].object;
    expect(waitingOf(last)).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "registry.example.com/p:pullfail"',
    });
    expect((last.status as { phase: string }).phase).toBe('Pending');
  });

  test('configerror: CreateContainerConfigError', async () => {
    await api(k8s, 'POST', DEPLOYS, deployment('cfg', 'example/cfg:configerror', { replicas: 1 }));
    const pod = await eventually(
      () => podsOf('cfg')[0],
      (p) =>
        (containerStatus(p ?? ({} as KubeObject)).state as { waiting?: { reason: string } } | undefined)
          ?.waiting?.reason === 'CreateContainerConfigError',
    );
    expect((pod.status as { phase: string }).phase).toBe('Pending');
  });

  test('slow: Running at once, Ready only after slowReadyDelayMs', async () => {
    const started = Date.now();
    await api(k8s, 'POST', DEPLOYS, deployment('slowpoke', 'example/s:slow', { replicas: 1 }));
    const running = await eventually(
      () => podsOf('slowpoke')[0],
      (p) => (p?.status as { phase?: string } | undefined)?.phase === 'Running',
    );
    expect(containerStatus(running).ready).toBe(false);
    await eventually(
      () => deploymentStatus('slowpoke'),
      (s) => s.readyReplicas === 1,
      5000,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});

describe('scheduling', () => {
  test('a nodeSelector the node lacks, or an `unschedulable` tag: Pending with PodScheduled=False/Unschedulable', async () => {
    await api(k8s, 'POST', DEPLOYS, deployment('picky', 'example/p:1', { replicas: 1 }));
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/picky`,
      { spec: { template: { spec: { nodeSelector: { disktype: 'ssd' } } } } },
      'application/merge-patch+json',
    );
    const pod = await eventually(
      () => podsOf('picky').find((p) => (p.spec as { nodeSelector?: unknown }).nodeSelector !== undefined),
      (p) =>
        ((p?.status as { conditions?: { reason?: string }[] } | undefined)?.conditions ?? []).some(
          (c) => c.reason === 'Unschedulable',
        ),
    );
    expect(pod?.status).toEqual({
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [
        expect.objectContaining({
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message:
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
        }),
      ],
    });
    expect((pod?.spec as { nodeName?: string }).nodeName).toBeUndefined();

    await api(k8s, 'POST', DEPLOYS, deployment('tainted', 'example/t:unschedulable', { replicas: 1 }));
    await eventually(
      () => podsOf('tainted')[0],
      (p) =>
        ((p?.status as { conditions?: { reason?: string }[] } | undefined)?.conditions ?? []).some(
          (c) => c.reason === 'Unschedulable',
        ),
    );
  });

  test('Recreate scales the old ReplicaSet to zero before the new one starts; paused holds a rollout', async () => {
    await api(
      k8s,
      'POST',
      DEPLOYS,
      deployment('recreate', 'example/r:1', { replicas: 2, strategy: { type: 'Recreate' } }),
    );
    await eventually(
      () => deploymentStatus('recreate'),
      (s) => s.availableReplicas === 2,
    );
    const watch = await openWatch(
      k8s,
      `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Drecreate&resourceVersion=${k8s.store.resourceVersion()}`,
    );
    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/recreate`,
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'example/r:2' }] } } } },
      'application/strategic-merge-patch+json',
    );
    await eventually(
      () => deploymentStatus('recreate'),
      (s) => s.updatedReplicas === 2 && s.availableReplicas === 2 && s.replicas === 2,
    );
    watch.close();
    const firstNew = watch.events.findIndex((e) => e.type === 'ADDED');
    const deletions = watch.events.filter((e) => e.type === 'DELETED').length;
    expect(deletions).toBe(2);
    expect(watch.events.slice(firstNew).some((e) => e.type === 'DELETED')).toBe(false);

    await api(
      k8s,
      'PATCH',
      `${DEPLOYS}/recreate`,
      { spec: { paused: true, template: { spec: { containers: [{ name: 'app', image: 'example/r:3' }] } } } },
      'application/strategic-merge-patch+json',
    );
    const paused = await eventually(
      () => deploymentStatus('recreate'),
      (s) => s.observedGeneration === 3,
    );
    expect(paused.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }),
      ]),
    );
    expect(
      podsOf('recreate').every(
        (p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'example/r:2',
      ),
    ).toBe(true);
  });
});

describe('Job controller', () => {
  function job(name: string, image: string, backoffLimit = 1) {
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'task', image }] } },
      },
    };
  }

  test('a Job completes: selector on its uid, pod Succeeded, Complete condition', async () => {
    const created = await api(k8s, 'POST', JOBS, job('migrate', 'example/migrate:1'));
    const uid = (created.body.metadata as { uid: string }).uid;
    expect((created.body.spec as { selector: unknown }).selector).toEqual({
      matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
    });
    const done = await eventually(
      () => k8s.get('batch/v1', 'Job', NS, 'migrate')?.status as Record<string, unknown> | undefined,
      (s) => s?.succeeded === 1,
    );
    expect(done?.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Complete', status: 'True' })]),
    );
    expect(done?.completionTime).toBeDefined();
  });

  test('a failing Job retries up to backoffLimit, then Failed with BackoffLimitExceeded', async () => {
    await api(k8s, 'POST', JOBS, job('broken', 'example/job:fail', 1));
    const failed = await eventually(
      () => k8s.get('batch/v1', 'Job', NS, 'broken')?.status as Record<string, unknown> | undefined,
      (s) => (s?.conditions as { type: string }[] | undefined)?.some((c) => c.type === 'Failed') === true,
      5000,
    );
    expect(failed?.failed).toBe(2);
    expect(failed?.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }),
      ]),
    );
  });

  test('a Job without restartPolicy Never/OnFailure is invalid', async () => {
    const bad = job('bad', 'x:1') as { spec: { template: { spec: Record<string, unknown> } } };
    delete bad.spec.template.spec.restartPolicy;
    const result = await api(k8s, 'POST', JOBS, bad);
    expect(result.status).toBe(422);
    expect(result.body.message).toContain(
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    );
  });
});
