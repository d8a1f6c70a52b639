/**
 * The emulated scheduler + kubelet: binds each pending pod to the one node, then moves its containers
 * through a timeline decided by image tags (failures.ts) and the time since the pod was bound.
 * Everything derives from that timeline, so repeated passes write nothing new until a step is due.
 */
import { createHash } from 'node:crypto';
import { behaviourOf, fullImageName } from '../failures.js';
import type { ImageBehaviour } from '../failures.js';
import { mustFindByKind } from '../resources.js';
import type { JsonObject, KubeObject } from '../types.js';
import { deepEqual, field, isObject, text } from '../types.js';
import type { ControllerContext } from './runtime.js';
import { NODE_NAME, unschedulableReason } from './scheduler.js';
import { isoAt, writeStatus } from './runtime.js';

const POD = mustFindByKind('v1', 'Pod');
const HOST_IP = '10.0.0.10';

interface ContainerTimeline {
  status: JsonObject;
  started: boolean;
  ready: boolean;
  /** When the container became ready (ms), if it did. */
  readyAt?: number;
  terminated?: 'ok' | 'error';
  /** Next time this container's status changes, if ever. */
  nextChangeAt?: number;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function containerTimeline(
  ctx: ControllerContext,
  pod: KubeObject,
  container: JsonObject,
  boundAt: number,
  now: number,
  runsToCompletion: boolean,
): ContainerTimeline {
  const name = String(container.name);
  const image = String(container.image);
  const behaviour: ImageBehaviour = behaviourOf(image);
  const { readyDelayMs, slowReadyDelayMs, crashLoopIntervalMs, jobRunMs } = ctx.settings;
  const startAt = boundAt + readyDelayMs;
  const base: JsonObject = {
    name,
    image,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
  };
  const waiting = (reason: string, message?: string): JsonObject => ({
    waiting: message ? { reason, message } : { reason },
  });
  const running = (at: number): JsonObject => ({ running: { startedAt: isoAt(at) } });
  const containerID = `containerd://${sha(`${pod.metadata.uid}/${name}`)}`;
  const imageID = `${fullImageName(image)}@sha256:${sha(image)}`;

  if (now < startAt) {
    return {
      status: { ...base, state: waiting('ContainerCreating') },
      started: false,
      ready: false,
      nextChangeAt: startAt,
    };
  }
  const elapsed = now - startAt;
  switch (behaviour) {
    case 'pullfail': {
      const reference = fullImageName(image);
      const backoff = elapsed >= readyDelayMs;
      const state = backoff
        ? waiting('ImagePullBackOff', `Back-off pulling image "${image}"`)
        : waiting(
            'ErrImagePull',
            `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`,
          );
      return {
        status: { ...base, state },
        started: false,
        ready: false,
        nextChangeAt: backoff ? undefined : startAt + readyDelayMs,
      };
    }
    case 'configerror':
      return {
        status: {
          ...base,
          state: waiting('CreateContainerConfigError', `configmap "${name}-config" not found`),
        },
        started: false,
        ready: false,
      };
    case 'crashloop':
    case 'fail': {
      if (runsToCompletion) break;
      const restarts = Math.floor(elapsed / crashLoopIntervalMs) + 1;
      const lastExit = startAt + (restarts - 1) * crashLoopIntervalMs;
      return {
        status: {
          ...base,
          containerID,
          imageID,
          restartCount: restarts,
          state: waiting(
            'CrashLoopBackOff',
            `back-off ${Math.min(10 * 2 ** (restarts - 1), 300)}s restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid})`,
          ),
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: isoAt(lastExit),
              finishedAt: isoAt(lastExit),
              containerID,
            },
          },
        },
        started: false,
        ready: false,
        nextChangeAt: startAt + restarts * crashLoopIntervalMs,
      };
    }
    default:
      break;
  }
  if (runsToCompletion) {
    const endAt = startAt + jobRunMs;
    if (now < endAt) {
      return {
        status: { ...base, containerID, imageID, started: true, state: running(startAt) },
        started: true,
        ready: false,
        nextChangeAt: endAt,
      };
    }
    const failed = behaviour === 'fail' || behaviour === 'crashloop';
    return {
      status: {
        ...base,
        containerID,
        imageID,
        state: {
          terminated: {
            exitCode: failed ? 1 : 0,
            reason: failed ? 'Error' : 'Completed',
            startedAt: isoAt(startAt),
            finishedAt: isoAt(endAt),
            containerID,
          },
        },
      },
      started: false,
      ready: false,
      terminated: failed ? 'error' : 'ok',
    };
  }
  const readyAt = behaviour === 'slow' ? boundAt + slowReadyDelayMs : startAt;
  const ready = now >= readyAt;
  return {
    status: { ...base, containerID, imageID, started: true, ready, state: running(startAt) },
    started: true,
    ready,
    readyAt: ready ? readyAt : undefined,
    nextChangeAt: ready ? undefined : readyAt,
  };
}

function condition(type: string, status: boolean, at: number, reason?: string, message?: string): JsonObject {
  const out: JsonObject = {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: isoAt(at),
  };
  if (reason) out.reason = reason;
  if (message) out.message = message;
  return out;
}

export class Kubelet {
  /** When each pod (by uid) was bound to the node, in ms: the origin of its timeline. */
  private readonly boundAt = new Map<string, number>();
  private readonly podIPs = new Map<string, string>();
  private readonly reportedReady = new Set<string>();
  private nextIP = 2;

  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const seen = new Set<string>();
    for (const pod of this.ctx.store.list(POD)) {
      seen.add(pod.metadata.uid);
      if (pod.metadata.deletionTimestamp) continue;
      this.sync(pod);
    }
    for (const uid of [...this.boundAt.keys()]) {
      if (!seen.has(uid)) {
        this.boundAt.delete(uid);
        this.podIPs.delete(uid);
        this.reportedReady.delete(uid);
      }
    }
  }

  private sync(input: KubeObject): void {
    const ctx = this.ctx;
    let pod = input;
    const now = ctx.nowMs();
    if (!field(pod, 'spec', 'nodeName')) {
      const unschedulable = unschedulableReason(pod);
      if (unschedulable) {
        // Stays Pending and unbound; the scheduler reports why on the PodScheduled condition.
        const created = Date.parse(pod.metadata.creationTimestamp);
        const status: JsonObject = {
          phase: 'Pending',
          conditions: [
            condition(
              'PodScheduled',
              false,
              Number.isNaN(created) ? now : created,
              'Unschedulable',
              unschedulable,
            ),
          ],
          qosClass: 'BestEffort',
        };
        if (!deepEqual(pod.status, status)) writeStatus(ctx, POD, pod, status, 'kube-scheduler');
        return;
      }
      // Scheduling: bind to the node (a spec write, as the Binding subresource does).
      pod = ctx.store.update(
        POD,
        { ...pod, spec: { ...(pod.spec as JsonObject), nodeName: NODE_NAME } },
        { manager: 'kube-scheduler' },
      );
    }
    const uid = pod.metadata.uid;
    if (!this.boundAt.has(uid)) this.boundAt.set(uid, now);
    const boundAt = this.boundAt.get(uid) ?? now;
    if (!this.podIPs.has(uid)) {
      const n = this.nextIP++;
      this.podIPs.set(uid, `10.244.${Math.floor(n / 250)}.${(n % 250) + 1}`);
    }
    const podIP = this.podIPs.get(uid) ?? '';
    const restartPolicy = text(field(pod, 'spec', 'restartPolicy'), 'Always');
    const runsToCompletion = restartPolicy !== 'Always';
    const containers = ((field(pod, 'spec', 'containers') as unknown[] | undefined) ?? []).filter(isObject);
    const timelines = containers.map((c) => containerTimeline(ctx, pod, c, boundAt, now, runsToCompletion));

    const allReady = timelines.length > 0 && timelines.every((t) => t.ready);
    const anyStarted = timelines.some((t) => t.started || t.terminated || Number(t.status.restartCount) > 0);
    const allTerminated = timelines.length > 0 && timelines.every((t) => t.terminated);
    let phase = anyStarted ? 'Running' : 'Pending';
    if (allTerminated) phase = timelines.some((t) => t.terminated === 'error') ? 'Failed' : 'Succeeded';
    const startAt = boundAt + ctx.settings.readyDelayMs;
    const readyAt = allReady ? Math.max(...timelines.map((t) => t.readyAt ?? startAt)) : undefined;
    const notReadyNames = timelines.filter((t) => !t.ready).map((t) => String(t.status.name));
    const notReadyMessage = `containers with unready status: [${notReadyNames.join(' ')}]`;
    const sandboxReady = now >= startAt && !allTerminated;
    const conditions = [
      condition('PodReadyToStartContainers', sandboxReady, sandboxReady ? startAt : boundAt),
      condition('Initialized', true, boundAt),
      allReady
        ? condition('Ready', true, readyAt ?? now)
        : condition(
            'Ready',
            false,
            boundAt,
            allTerminated ? 'PodCompleted' : 'ContainersNotReady',
            allTerminated ? undefined : notReadyMessage,
          ),
      allReady
        ? condition('ContainersReady', true, readyAt ?? now)
        : condition(
            'ContainersReady',
            false,
            boundAt,
            allTerminated ? 'PodCompleted' : 'ContainersNotReady',
            allTerminated ? undefined : notReadyMessage,
          ),
      condition('PodScheduled', true, boundAt),
    ];
    const status: JsonObject = {
      phase,
      conditions,
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: isoAt(boundAt),
      containerStatuses: timelines.map((t) => t.status),
      qosClass: 'BestEffort',
    };
    if (!deepEqual(pod.status, status)) {
      writeStatus(ctx, POD, pod, status, 'kubelet');
    }
    if (allReady && !this.reportedReady.has(uid)) {
      this.reportedReady.add(uid);
      ctx.events.emit('pod-ready', {
        namespace: pod.metadata.namespace ?? '',
        name: pod.metadata.name,
        at: now,
      });
    }
    const next = Math.min(...timelines.map((t) => t.nextChangeAt ?? Infinity));
    if (Number.isFinite(next)) ctx.requeueAfter(Math.max(1, next - now));
  }
}
