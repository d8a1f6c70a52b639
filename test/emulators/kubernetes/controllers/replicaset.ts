/**
 * ReplicaSet controller: keep `spec.replicas` active pods that this ReplicaSet controls, created from
 * its template; remove surplus pods not-ready first, newest first; report replica counts.
 */
import { mustFindByKind } from '../resources.js';
import type { JsonObject, KubeObject } from '../types.js';
import { clone, deepEqual, field, isObject } from '../types.js';
import { createObject, randomSuffix } from '../write-pipeline.js';
import { isActive, isAvailable, isReady } from './pods.js';
import type { ControllerContext } from './runtime.js';
import { CONTROLLER_MANAGER, controllerRef, isControlledBy, omitEmpty, writeStatus } from './runtime.js';

const POD = mustFindByKind('v1', 'Pod');
export const REPLICA_SET = mustFindByKind('apps/v1', 'ReplicaSet');

export function podsOf(ctx: ControllerContext, owner: KubeObject): KubeObject[] {
  return ctx.store.list(POD, owner.metadata.namespace).filter((pod) => isControlledBy(pod, owner));
}

function newPod(owner: KubeObject): KubeObject {
  const template = isObject(field(owner, 'spec', 'template'))
    ? (field(owner, 'spec', 'template') as JsonObject)
    : {};
  const metadata = isObject(template.metadata) ? template.metadata : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: clone((metadata.labels as Record<string, string> | undefined) ?? {}),
      annotations: metadata.annotations ? clone(metadata.annotations as Record<string, string>) : undefined,
      ownerReferences: [controllerRef(owner)],
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
    },
    spec: clone(isObject(template.spec) ? template.spec : {}),
  };
}

/** Create one pod for `owner` (a ReplicaSet or a Job). */
export function createPodFor(ctx: ControllerContext, owner: KubeObject): KubeObject {
  const pod = newPod(owner);
  pod.metadata.name = `${owner.metadata.name}-${randomSuffix()}`;
  if (!pod.metadata.annotations) delete pod.metadata.annotations;
  return createObject(ctx, POD, pod, { manager: CONTROLLER_MANAGER });
}

export class ReplicaSetController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    for (const rs of this.ctx.store.list(REPLICA_SET)) {
      if (rs.metadata.deletionTimestamp) continue;
      this.sync(rs);
    }
  }

  private sync(rs: KubeObject): void {
    const ctx = this.ctx;
    const wanted = Number(field(rs, 'spec', 'replicas') ?? 1);
    let active = podsOf(ctx, rs).filter(isActive);
    if (active.length < wanted) {
      for (let i = active.length; i < wanted; i++) active.push(createPodFor(ctx, rs));
    } else if (active.length > wanted) {
      const doomed = [...active]
        .sort((a, b) => {
          const readiness = Number(isReady(a)) - Number(isReady(b));
          if (readiness !== 0) return readiness;
          return (
            b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) ||
            b.metadata.name.localeCompare(a.metadata.name)
          );
        })
        .slice(0, active.length - wanted);
      for (const pod of doomed) ctx.store.delete(POD, pod.metadata.namespace, pod.metadata.name);
      const gone = new Set(doomed.map((p) => p.metadata.uid));
      active = active.filter((p) => !gone.has(p.metadata.uid));
    }
    const minReadySeconds = Number(field(rs, 'spec', 'minReadySeconds') ?? 0);
    const now = ctx.nowMs();
    const ready = active.filter(isReady);
    const available = active.filter((p) => isAvailable(p, minReadySeconds, now));
    if (available.length < ready.length) ctx.requeueAfter(1000);
    const status = omitEmpty({
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      readyReplicas: ready.length,
      availableReplicas: available.length,
      observedGeneration: rs.metadata.generation,
    });
    // `replicas` is not omitempty in ReplicaSetStatus.
    status.replicas = active.length;
    const current = isObject(rs.status) ? rs.status : {};
    if (!deepEqual(current, status)) {
      const latest = ctx.store.get(REPLICA_SET, rs.metadata.namespace, rs.metadata.name);
      if (latest) writeStatus(ctx, REPLICA_SET, latest, status);
    }
  }
}
