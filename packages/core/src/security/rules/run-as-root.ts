import { containerLabel, effectiveSecurityField, forContainers, isTrue } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const runAsRoot: RuleDefinition = {
  id: 'run-as-root',
  title: 'Container may run as root',
  severity: 'high',
  rationale:
    'A process running as UID 0 owns the container filesystem and is one kernel bug away from root on the node.',
  remediation:
    'Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` (pod or container level); build the image with a non-root USER.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => {
      const user = effectiveSecurityField(ref, 'runAsUser');
      if (user.value === 0 || user.value === '0') {
        return { path: user.path, message: `${containerLabel(ref)} runs as UID 0 (root)` };
      }
      const nonRoot = effectiveSecurityField(ref, 'runAsNonRoot');
      const userIsNonRoot = typeof user.value === 'number' && user.value > 0;
      if (isTrue(nonRoot.value) || userIsNonRoot) return undefined;
      return {
        path: nonRoot.path,
        message: `${containerLabel(ref)} sets neither runAsNonRoot: true nor a non-zero runAsUser`,
      };
    }),
};
