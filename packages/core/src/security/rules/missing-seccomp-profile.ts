import { objectAt, stringAt } from '../manifests/objects.js';
import { containerLabel, effectiveSecurityField, forContainers } from './helpers.js';
import type { RuleDefinition } from './types.js';

const CONFINED = new Set(['RuntimeDefault', 'Localhost']);
// Before Kubernetes 1.19 seccomp was set by annotation; old manifests still carry it.
const LEGACY_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';

export const missingSeccompProfile: RuleDefinition = {
  id: 'missing-seccomp-profile',
  title: 'No seccomp profile',
  severity: 'medium',
  rationale:
    'Without seccomp a container can call every system call, including the rarely used ones behind most kernel escapes.',
  remediation:
    'Set `securityContext.seccompProfile.type: RuntimeDefault` in the pod spec (or a Localhost profile).',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => {
      const profile = effectiveSecurityField(ref, 'seccompProfile');
      const type =
        typeof profile.value === 'object' && profile.value !== null
          ? stringAt(profile.value, 'type')
          : undefined;
      if (type !== undefined && CONFINED.has(type)) return undefined;
      if (type === undefined) {
        const legacy = stringAt(objectAt(ref.pod.metadata, 'annotations'), LEGACY_POD_ANNOTATION);
        if (legacy === 'runtime/default' || legacy === 'docker/default' || legacy?.startsWith('localhost/'))
          return undefined;
      }
      return {
        path: type === undefined ? profile.path : [...profile.path, 'type'],
        message:
          type === undefined
            ? `${containerLabel(ref)} has no seccomp profile`
            : `${containerLabel(ref)} uses seccomp profile ${type}`,
      };
    }),
};
