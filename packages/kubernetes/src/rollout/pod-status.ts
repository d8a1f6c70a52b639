import type { ContainerStatus, PodObject } from './kinds.js';

/** Why a pod will never become ready without a change from the user, or undefined while it still may. */
export interface PodFailure {
  pod: string;
  reason: string;
  message: string;
}

/** Image pull errors that retrying cannot fix (krane: ErrImagePull counts only with "not found"). */
const PERMANENT_PULL =
  /not found|manifest unknown|repository does not exist|no such host|unauthorized|denied/i;

function containerFailure(pod: string, status: ContainerStatus): PodFailure | undefined {
  const waiting = status.state?.waiting;
  const reason = waiting?.reason;
  const detail = waiting?.message ? `: ${waiting.message}` : '';
  switch (reason) {
    case 'CrashLoopBackOff': {
      const last = status.lastState?.terminated;
      const exit = last
        ? ` (last exit code ${last.exitCode ?? '?'}${last.reason ? `, ${last.reason}` : ''})`
        : '';
      return {
        pod,
        reason,
        message: `container ${status.name} keeps crashing${exit}, restarted ${status.restartCount ?? 0} times${detail}`,
      };
    }
    case 'ImagePullBackOff':
      return { pod, reason, message: `cannot pull image ${status.image ?? '?'} for ${status.name}${detail}` };
    case 'ErrImagePull':
      return PERMANENT_PULL.test(waiting?.message ?? '')
        ? { pod, reason, message: `cannot pull image ${status.image ?? '?'} for ${status.name}${detail}` }
        : undefined;
    case 'InvalidImageName':
    case 'CreateContainerConfigError':
    case 'CreateContainerError':
      return { pod, reason, message: `container ${status.name} cannot be created${detail}` };
    default:
      return undefined;
  }
}

/**
 * krane's Pod judgement: CrashLoopBackOff, a missing image, a config error (a missing ConfigMap or Secret key),
 * phase Failed, or an unschedulable pod doom it. Judged per container, init containers first.
 */
export function podFailure(pod: PodObject): PodFailure | undefined {
  const name = pod.metadata.name;
  const status = pod.status;
  if (!status) return undefined;
  if (status.phase === 'Failed') {
    return {
      pod: name,
      reason: status.reason ?? 'Failed',
      message: `pod failed${status.message ? `: ${status.message}` : ''}`,
    };
  }
  for (const container of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const failure = containerFailure(name, container);
    if (failure) return failure;
  }
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      pod: name,
      reason: 'Unschedulable',
      message: `pod cannot be scheduled: ${scheduled.message ?? ''}`.trim(),
    };
  }
  return undefined;
}

export function isPodReady(pod: PodObject): boolean {
  // A pod being deleted still reports Ready for its grace period, but no longer receives new traffic.
  if (pod.metadata.deletionTimestamp) return false;
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}
