import { hostPathVolumes, isRuntimeSocket } from './host-volumes.js';
import type { RuleDefinition } from './types.js';

export const hostPathMount: RuleDefinition = {
  id: 'host-path-mount',
  title: 'Pod mounts a host path',
  severity: 'high',
  rationale:
    "A hostPath volume exposes the node filesystem: credentials, other pods' data, and writable system paths.",
  remediation: 'Use a PersistentVolumeClaim, ConfigMap, Secret or emptyDir instead of `hostPath`.',
  appliesTo: 'workloads',
  exemptible: true,
  // Runtime sockets are reported (more severely) by docker-socket-mount; reporting them twice is noise.
  check: (ctx) =>
    ctx.pod
      ? hostPathVolumes(ctx.pod)
          .filter((volume) => !isRuntimeSocket(volume.hostPath))
          .map((volume) => ({
            path: volume.path,
            message: `volume "${volume.name}" mounts host path ${volume.hostPath || '(empty)'}`,
          }))
      : [],
};
