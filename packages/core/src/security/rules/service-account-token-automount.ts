import { stringAt } from '../manifests/objects.js';
import type { RuleDefinition } from './types.js';

export const serviceAccountTokenAutomount: RuleDefinition = {
  id: 'service-account-token-automount',
  title: 'Service account token mounted automatically',
  severity: 'medium',
  rationale:
    'Most applications never call the Kubernetes API; a mounted token only helps an attacker who gets code execution in the pod.',
  remediation:
    'Set `automountServiceAccountToken: false` in the pod spec (or on its ServiceAccount); mount a projected token only where needed.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) => {
    const pod = ctx.pod;
    if (!pod) return [];
    const value = pod.spec.automountServiceAccountToken;
    if (value === false || value === 'false') return [];
    if (value === undefined) {
      // The pod inherits its ServiceAccount's setting when it does not say.
      const account =
        stringAt(pod.spec, 'serviceAccountName') ?? stringAt(pod.spec, 'serviceAccount') ?? 'default';
      const key = `${ctx.resource.namespace ?? ''}/${account}`;
      if (ctx.index.serviceAccountsWithoutAutomount.has(key)) return [];
    }
    return [
      {
        path: [...pod.path, 'automountServiceAccountToken'],
        message:
          value === undefined
            ? 'pod does not set automountServiceAccountToken: false, so the service account token is mounted'
            : 'pod mounts the service account token (automountServiceAccountToken: true)',
      },
    ];
  },
};
