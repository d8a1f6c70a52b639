import { hostPathVolumes, isRuntimeSocket } from './host-volumes.js';
import type { RuleDefinition } from './types.js';

export const dockerSocketMount: RuleDefinition = {
  id: 'docker-socket-mount',
  title: 'Pod mounts the container runtime socket',
  severity: 'critical',
  rationale:
    'Access to the Docker, containerd or CRI-O socket lets a pod start privileged containers on the node: full node takeover.',
  remediation:
    'Do not mount the runtime socket; build images with a rootless builder (BuildKit rootless, Kaniko) or use the Kubernetes API.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    ctx.pod
      ? hostPathVolumes(ctx.pod)
          .filter((volume) => isRuntimeSocket(volume.hostPath))
          .map((volume) => ({
            path: volume.path,
            message: `volume "${volume.name}" mounts the container runtime socket ${volume.hostPath}`,
          }))
      : [],
};
