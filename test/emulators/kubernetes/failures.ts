/**
 * Failure injection by image tag. A container whose image tag is the word, or ends with `-word`
 * (`web:crashloop`, `web:1.3.0-crashloop`), behaves so:
 *   crashloop    starts, exits 1, restarts forever: waiting CrashLoopBackOff, restartCount rising
 *   pullfail     never pulls: waiting ErrImagePull, then ImagePullBackOff ("... not found")
 *   configerror  waiting CreateContainerConfigError (a referenced ConfigMap is missing)
 *   slow         runs, but becomes Ready only after `slowReadyDelayMs`
 *   fail         (Job pods) runs and exits 1, so the pod Fails; in a Deployment it crash-loops
 *   unschedulable  the pod is never scheduled: Pending, PodScheduled=False reason Unschedulable
 *                (also: a nodeSelector the node lacks, or requests over 8 CPUs / 32Gi memory)
 * Any other image runs and becomes Ready after `readyDelayMs` (Job pods: complete after `jobRunMs`).
 */

export type ImageBehaviour =
  'normal' | 'crashloop' | 'pullfail' | 'configerror' | 'slow' | 'fail' | 'unschedulable';

const INJECTED: ImageBehaviour[] = ['crashloop', 'pullfail', 'configerror', 'slow', 'fail', 'unschedulable'];

export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.split('/').pop() ?? withoutDigest;
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : 'latest';
}

export function behaviourOf(image: string): ImageBehaviour {
  const tag = imageTag(image);
  return INJECTED.find((word) => tag === word || tag.endsWith(`-${word}`)) ?? 'normal';
}

/** The image reference as containerd reports it (docker.io/library/… for short names). */
export function fullImageName(image: string): string {
  const withTag = imageTag(image) === 'latest' && !image.includes(':') ? `${image}:latest` : image;
  const firstSegment = withTag.split('/')[0];
  const hasRegistry =
    withTag.includes('/') &&
    (firstSegment.includes('.') || firstSegment.includes(':') || firstSegment === 'localhost');
  if (hasRegistry) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}
