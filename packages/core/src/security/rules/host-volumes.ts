import { arrayAt, isObject, objectAt, stringAt } from '../manifests/objects.js';
import type { PodSpecRef } from '../manifests/pod-specs.js';

/** Sockets of container runtimes, and the directories that hold them: whoever reaches one controls the node. */
const RUNTIME_SOCKET_PATHS = new Set([
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/var/run',
  '/run',
  '/var/run/containerd',
  '/run/containerd',
  '/var/run/crio',
]);

export interface HostPathVolume {
  name: string;
  hostPath: string;
  path: readonly (string | number)[];
}

export function hostPathVolumes(pod: PodSpecRef): HostPathVolume[] {
  const out: HostPathVolume[] = [];
  arrayAt(pod.spec, 'volumes').forEach((volume, index) => {
    if (!isObject(volume)) return;
    const hostPath = objectAt(volume, 'hostPath');
    if (!hostPath) return;
    out.push({
      name: stringAt(volume, 'name') ?? `volumes[${index}]`,
      hostPath: stringAt(hostPath, 'path') ?? '',
      path: [...pod.path, 'volumes', index, 'hostPath'],
    });
  });
  return out;
}

export function isRuntimeSocket(hostPath: string): boolean {
  const normalised = hostPath.replace(/\/+$/, '') || '/';
  return RUNTIME_SOCKET_PATHS.has(normalised);
}
