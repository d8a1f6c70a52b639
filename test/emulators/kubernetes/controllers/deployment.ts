/**
 * Deployment controller, after kube-controller-manager's: one ReplicaSet per pod template (named
 * NAME-HASH, label `pod-template-hash`, annotation `deployment.kubernetes.io/revision`), RollingUpdate
 * bounded by maxSurge/maxUnavailable (the real scale-up / cleanup / scale-down steps), Recreate, pause,
 * revision history cleanup, and status with the Available and Progressing conditions, including
 * ProgressDeadlineExceeded once no progress was made for `progressDeadlineSeconds`.
 */
import { mustFindByKind } from '../resources.js';
import type { JsonObject, KubeObject } from '../types.js';
import { clone, deepEqual, field, isObject, stableStringify, text } from '../types.js';
import { createObject } from '../write-pipeline.js';
import type { ControllerContext } from './runtime.js';
import {
  CONTROLLER_MANAGER,
  controllerRef,
  isControlledBy,
  isoAt,
  omitEmpty,
  writeStatus,
} from './runtime.js';
import { REPLICA_SET, podsOf } from './replicaset.js';
import { isActive } from './pods.js';

const DEPLOYMENT = mustFindByKind('apps/v1', 'Deployment');
export const REVISION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a (32 bit) of the template, "safe-encoded" like k8s.io/apimachinery's rand.SafeEncodeString. */
export function podTemplateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(stableStringify(template))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** An int-or-percent (`1`, `"25%"`) resolved against `total`: surge rounds up, unavailable down. */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const raw = text(value, '0');
  if (raw.endsWith('%')) {
    const exact = (Number(raw.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  return Number(raw) || 0;
}

function replicasOf(rs: KubeObject): number {
  return Number(field(rs, 'spec', 'replicas') ?? 0);
}
function statusCount(object: KubeObject, key: string): number {
  return Number(field(object, 'status', key) ?? 0);
}
function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

function templateWithoutHash(template: unknown): unknown {
  const copy = clone(template) as JsonObject;
  const labels = field(copy, 'metadata', 'labels');
  if (isObject(labels)) delete labels[HASH_LABEL];
  return copy;
}

interface Condition extends JsonObject {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function conditionsOf(d: KubeObject): Condition[] {
  const list = field(d, 'status', 'conditions');
  return Array.isArray(list) ? (list.filter(isObject) as Condition[]) : [];
}

function setCondition(
  conditions: Condition[],
  type: string,
  status: string,
  reason: string,
  message: string,
  nowIso: string,
): Condition[] {
  const existing = conditions.find((c) => c.type === type);
  // The API keeps lastTransitionTime when the status does not change (only reason/message update).
  if (existing && existing.status === status && existing.reason === reason && existing.message === message)
    return conditions;
  const next: Condition = {
    type,
    status,
    lastUpdateTime: nowIso,
    lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : nowIso,
    reason,
    message,
  };
  return [...conditions.filter((c) => c.type !== type), next].sort((a, b) =>
    a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0,
  );
}

export class DeploymentController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    for (const d of this.ctx.store.list(DEPLOYMENT)) {
      if (d.metadata.deletionTimestamp) continue;
      this.sync(d);
    }
  }

  private scale(rs: KubeObject, replicas: number, annotations?: Record<string, string>): KubeObject {
    if (replicasOf(rs) === replicas && !annotations) return rs;
    const next = clone(rs);
    (next.spec as JsonObject).replicas = replicas;
    if (annotations) next.metadata.annotations = { ...next.metadata.annotations, ...annotations };
    next.metadata.resourceVersion = '';
    return this.ctx.store.update(REPLICA_SET, next, { manager: CONTROLLER_MANAGER });
  }

  private sync(d: KubeObject): void {
    const ctx = this.ctx;
    const spec = d.spec as JsonObject;
    const replicas = Number(spec.replicas ?? 1);
    const template = spec.template;
    const nowMs = ctx.nowMs();
    const nowIso = isoAt(nowMs);
    const all = ctx.store.list(REPLICA_SET, d.metadata.namespace).filter((rs) => isControlledBy(rs, d));
    let newRS = all.find((rs) => deepEqual(templateWithoutHash(field(rs, 'spec', 'template')), template));
    let olds = all.filter((rs) => rs !== newRS);
    const maxRevision = Math.max(0, ...all.map(revisionOf));
    const strategy = (field(spec, 'strategy', 'type') as string | undefined) ?? 'RollingUpdate';
    const maxSurge =
      strategy === 'RollingUpdate'
        ? resolveIntOrPercent(field(spec, 'strategy', 'rollingUpdate', 'maxSurge'), replicas, true)
        : 0;
    let maxUnavailable =
      strategy === 'RollingUpdate'
        ? resolveIntOrPercent(field(spec, 'strategy', 'rollingUpdate', 'maxUnavailable'), replicas, false)
        : 0;
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    maxUnavailable = Math.min(maxUnavailable, replicas);
    const paused = spec.paused === true;
    let conditions = conditionsOf(d);
    let progressed = false;

    if (!paused) {
      if (!newRS) {
        const hash = podTemplateHash(template);
        const rsTemplate = clone(template) as JsonObject;
        const templateMeta = isObject(rsTemplate.metadata) ? rsTemplate.metadata : (rsTemplate.metadata = {});
        templateMeta.labels = {
          ...(isObject(templateMeta.labels) ? templateMeta.labels : {}),
          [HASH_LABEL]: hash,
        };
        const selector = clone(isObject(spec.selector) ? spec.selector : {});
        selector.matchLabels = {
          ...(isObject(selector.matchLabels) ? selector.matchLabels : {}),
          [HASH_LABEL]: hash,
        };
        newRS = createObject(
          ctx,
          REPLICA_SET,
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            metadata: {
              name: `${d.metadata.name}-${hash}`,
              namespace: d.metadata.namespace,
              labels: { ...(templateMeta.labels as Record<string, string>) },
              annotations: {
                'deployment.kubernetes.io/desired-replicas': String(replicas),
                'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
                [REVISION]: String(maxRevision + 1),
              },
              ownerReferences: [controllerRef(d)],
              uid: '',
              resourceVersion: '',
              creationTimestamp: '',
            },
            spec: {
              replicas: 0,
              minReadySeconds: spec.minReadySeconds ?? 0,
              selector,
              template: rsTemplate,
            },
          },
          { manager: CONTROLLER_MANAGER },
        );
        olds = all;
        conditions = setCondition(
          conditions,
          'Progressing',
          'True',
          'NewReplicaSetCreated',
          `Created new replica set "${newRS.metadata.name}"`,
          nowIso,
        );
        progressed = true;
      } else if (revisionOf(newRS) < maxRevision) {
        // A rollback to an older template: that ReplicaSet becomes the newest revision again.
        newRS = this.scale(newRS, replicasOf(newRS), { [REVISION]: String(maxRevision + 1) });
      }

      const activeOlds = olds.filter((rs) => replicasOf(rs) > 0);
      if (strategy === 'Recreate') {
        for (const rs of activeOlds) this.scale(rs, 0);
        const oldPods = olds.flatMap((rs) => podsOf(ctx, rs)).filter(isActive);
        if (oldPods.length === 0) newRS = this.scale(newRS, replicas);
      } else if (activeOlds.length === 0) {
        newRS = this.scale(newRS, replicas);
      } else {
        // Scale up the new ReplicaSet within maxSurge.
        const total =
          all.reduce((sum, rs) => sum + replicasOf(rs), 0) + (all.includes(newRS) ? 0 : replicasOf(newRS));
        const allowed = replicas + maxSurge - total;
        if (allowed > 0 && replicasOf(newRS) < replicas)
          newRS = this.scale(newRS, Math.min(replicas, replicasOf(newRS) + allowed));
        if (replicasOf(newRS) > replicas) newRS = this.scale(newRS, replicas);
        // Scale down old ReplicaSets within maxUnavailable: unhealthy replicas first, then healthy ones.
        const minAvailable = replicas - maxUnavailable;
        const allPods = replicasOf(newRS) + activeOlds.reduce((sum, rs) => sum + replicasOf(rs), 0);
        const newUnavailable = replicasOf(newRS) - statusCount(newRS, 'availableReplicas');
        let budget = allPods - minAvailable - newUnavailable;
        const oldestFirst = [...activeOlds].sort(
          (a, b) =>
            a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
            revisionOf(a) - revisionOf(b),
        );
        const scaled = new Map<string, number>(oldestFirst.map((rs) => [rs.metadata.uid, replicasOf(rs)]));
        for (const rs of oldestFirst) {
          if (budget <= 0) break;
          const unhealthy = replicasOf(rs) - statusCount(rs, 'availableReplicas');
          if (unhealthy <= 0) continue;
          const down = Math.min(budget, unhealthy);
          scaled.set(rs.metadata.uid, replicasOf(rs) - down);
          budget -= down;
        }
        const available =
          statusCount(newRS, 'availableReplicas') +
          activeOlds.reduce((sum, rs) => sum + statusCount(rs, 'availableReplicas'), 0);
        let healthyBudget = available - minAvailable;
        for (const rs of oldestFirst) {
          if (healthyBudget <= 0) break;
          const current = scaled.get(rs.metadata.uid) ?? 0;
          const down = Math.min(current, healthyBudget);
          scaled.set(rs.metadata.uid, current - down);
          healthyBudget -= down;
        }
        for (const rs of oldestFirst) this.scale(rs, scaled.get(rs.metadata.uid) ?? replicasOf(rs));
      }

      // Keep at most revisionHistoryLimit old, fully scaled-down ReplicaSets.
      const limit = Number(spec.revisionHistoryLimit ?? 10);
      const idle = olds
        .map((rs) => ctx.store.get(REPLICA_SET, rs.metadata.namespace, rs.metadata.name))
        .filter(
          (rs): rs is KubeObject =>
            rs !== undefined && replicasOf(rs) === 0 && statusCount(rs, 'replicas') === 0,
        )
        .sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
        ctx.store.delete(REPLICA_SET, rs.metadata.namespace, rs.metadata.name);
    }

    // Status from the ReplicaSets as they are now.
    const current = ctx.store.list(REPLICA_SET, d.metadata.namespace).filter((rs) => isControlledBy(rs, d));
    const latestNew = newRS ? current.find((rs) => rs.metadata.uid === newRS?.metadata.uid) : undefined;
    const sum = (key: string): number => current.reduce((total, rs) => total + statusCount(rs, key), 0);
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: latestNew ? statusCount(latestNew, 'replicas') : 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
      unavailableReplicas: Math.max(
        0,
        current.reduce((t, rs) => t + replicasOf(rs), 0) - sum('availableReplicas'),
      ),
    };
    conditions = setCondition(
      conditions,
      'Available',
      status.availableReplicas >= replicas - maxUnavailable ? 'True' : 'False',
      status.availableReplicas >= replicas - maxUnavailable
        ? 'MinimumReplicasAvailable'
        : 'MinimumReplicasUnavailable',
      status.availableReplicas >= replicas - maxUnavailable
        ? 'Deployment has minimum availability.'
        : 'Deployment does not have minimum availability.',
      nowIso,
    );
    const rsName = latestNew?.metadata.name ?? '';
    const previous = isObject(d.status) ? d.status : {};
    const before = (key: string): number => Number(previous[key] ?? 0);
    const complete =
      status.updatedReplicas === replicas &&
      status.replicas === replicas &&
      status.availableReplicas === replicas;
    const madeProgress =
      status.updatedReplicas > before('updatedReplicas') ||
      status.readyReplicas > before('readyReplicas') ||
      status.availableReplicas > before('availableReplicas') ||
      before('replicas') - before('updatedReplicas') > status.replicas - status.updatedReplicas;
    const progressing = conditions.find((c) => c.type === 'Progressing');
    const deadlineSeconds =
      spec.progressDeadlineSeconds === undefined ? 600 : Number(spec.progressDeadlineSeconds);
    if (paused) {
      conditions = setCondition(
        conditions,
        'Progressing',
        'Unknown',
        'DeploymentPaused',
        'Deployment is paused',
        nowIso,
      );
    } else if (complete) {
      conditions = setCondition(
        conditions,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
        nowIso,
      );
    } else if (progressed) {
      // Already set to NewReplicaSetCreated above.
    } else if (
      madeProgress ||
      !progressing ||
      progressing.reason === 'DeploymentPaused' ||
      progressing.reason === 'NewReplicaSetAvailable'
    ) {
      const reason = progressing ? 'ReplicaSetUpdated' : 'FoundNewReplicaSet';
      const message =
        reason === 'ReplicaSetUpdated'
          ? `ReplicaSet "${rsName}" is progressing.`
          : `Found new replica set "${rsName}"`;
      const updated = setCondition(conditions, 'Progressing', 'True', reason, message, nowIso);
      // Progress refreshes lastUpdateTime even when reason and message stay the same.
      conditions = updated.map((c) =>
        c.type === 'Progressing' && madeProgress ? { ...c, lastUpdateTime: nowIso } : c,
      );
    } else if (progressing.status === 'True' && deadlineSeconds > 0) {
      const deadline = Date.parse(progressing.lastUpdateTime) + deadlineSeconds * 1000;
      if (deadline < nowMs) {
        conditions = setCondition(
          conditions,
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${rsName}" has timed out progressing.`,
          nowIso,
        );
      } else {
        ctx.requeueAfter(deadline - nowMs + 50);
      }
    }
    const nextStatus = { ...omitEmpty(status), conditions };
    const latest = ctx.store.get(DEPLOYMENT, d.metadata.namespace, d.metadata.name);
    if (!latest) return;
    const revision = latestNew?.metadata.annotations?.[REVISION];
    if (revision && latest.metadata.annotations?.[REVISION] !== revision) {
      const annotated = clone(latest);
      annotated.metadata.annotations = { ...annotated.metadata.annotations, [REVISION]: revision };
      annotated.metadata.resourceVersion = '';
      const stored = ctx.store.update(DEPLOYMENT, annotated, { manager: CONTROLLER_MANAGER });
      if (!deepEqual(stored.status, nextStatus)) writeStatus(ctx, DEPLOYMENT, stored, nextStatus);
      return;
    }
    if (!deepEqual(latest.status, nextStatus)) writeStatus(ctx, DEPLOYMENT, latest, nextStatus);
  }
}
