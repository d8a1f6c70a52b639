import type { DeploymentObject, PodObject } from './kinds.js';
import { isPodReady, podFailure } from './pod-status.js';
import type { RolloutVerdict } from './verdict.js';

/**
 * Pods of the Deployment's current template: their labels include the template's and they run its images.
 * Pods of older ReplicaSets (being replaced) are not judged: their failures are not this rollout's.
 */
export function currentPods(deployment: DeploymentObject, pods: readonly PodObject[]): PodObject[] {
  const template = deployment.spec?.template;
  const labels = template?.metadata?.labels ?? {};
  const images = (template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? ''}`).sort();
  return pods.filter((pod) => {
    const podLabels = pod.metadata.labels ?? {};
    if (!Object.entries(labels).every(([k, v]) => podLabels[k] === v)) return false;
    const podImages = (pod.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? ''}`).sort();
    return podImages.join(',') === images.join(',');
  });
}

/**
 * krane's Deployment judgement. Done: the controller has seen the current generation, and the newest ReplicaSet
 * is fully scaled and available with no old pods left. Failed: `Progressing` is False with
 * ProgressDeadlineExceeded, or every pod of the newest template is doomed (CrashLoopBackOff, missing image,
 * config error, unschedulable) — which fails in seconds rather than at the deadline.
 */
export function judgeDeployment(deployment: DeploymentObject, pods: readonly PodObject[]): RolloutVerdict {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const generation = deployment.metadata.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const summary = `${updated}/${desired} updated, ${available}/${desired} available${
    total > desired ? `, ${total - desired} old pending termination` : ''
  }`;
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    const doomed = currentPods(deployment, pods)
      .map(podFailure)
      .find((f) => f !== undefined);
    return {
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: `progress deadline exceeded (${summary})${doomed ? `; ${doomed.pod}: ${doomed.reason}: ${doomed.message}` : ''}${
        progressing.message ? `; ${progressing.message}` : ''
      }`,
    };
  }
  const current = currentPods(deployment, pods);
  const failures = current.map(podFailure);
  if (current.length > 0 && failures.every((f) => f !== undefined)) {
    const first = failures[0];
    if (first) {
      return {
        state: 'failed',
        reason: first.reason,
        message: `${first.pod}: ${first.reason}: ${first.message} (${current.length} pod(s) of the new version failing; ${summary})`,
      };
    }
  }
  if (observed < generation)
    return { state: 'progressing', message: `waiting for the controller (${summary})` };
  if (updated >= desired && available >= desired && total <= desired) {
    return { state: 'done', message: summary };
  }
  return { state: 'progressing', message: summary };
}

/** Ready pods of the current template: what the target reports as healthy instances. */
export function readyCurrentPods(deployment: DeploymentObject, pods: readonly PodObject[]): number {
  return currentPods(deployment, pods).filter(isPodReady).length;
}
