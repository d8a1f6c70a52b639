import type { InstanceStatus, VersionStatus } from '@eds/core';
import type { PodObject } from '../rollout/kinds.js';
import { isPodReady, podFailure } from '../rollout/pod-status.js';

/** A pod as the controller sees an instance: ready → healthy, doomed → crashed/unhealthy, else starting. */
export function instanceOf(pod: PodObject, version: string, port: number): InstanceStatus {
  const failure = podFailure(pod);
  const restarts = (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const state: InstanceStatus['state'] = isPodReady(pod)
    ? 'healthy'
    : failure
      ? failure.reason === 'CrashLoopBackOff'
        ? 'crashed'
        : 'unhealthy'
      : 'starting';
  const lastExit = pod.status?.containerStatuses?.find((c) => c.lastState?.terminated)?.lastState?.terminated;
  return {
    id: pod.metadata.name,
    version,
    port,
    state,
    restarts,
    ...(failure ? { lastError: `${failure.reason}: ${failure.message}` } : {}),
    ...(lastExit ? { lastExit: `exited with code ${lastExit.exitCode ?? '?'}` } : {}),
  };
}

export function versionStatus(
  component: string,
  version: string,
  desired: number,
  pods: readonly PodObject[],
  port: number,
): VersionStatus {
  const instances = pods.map((pod) => instanceOf(pod, version, port));
  return {
    component,
    version,
    desired,
    healthy: instances.filter((i) => i.state === 'healthy').length,
    instances,
  };
}
