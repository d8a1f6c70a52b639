import { longRunningContainers, missingProbe } from './probes.js';
import type { RuleDefinition } from './types.js';

export const missingReadinessProbe: RuleDefinition = {
  id: 'missing-readiness-probe',
  title: 'Missing readiness probe',
  severity: 'medium',
  rationale:
    'Without a readiness probe traffic reaches pods before they can serve it, and rollouts cannot tell a broken version from a good one.',
  remediation: 'Add `readinessProbe` that succeeds only when the container can serve requests.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) => longRunningContainers(ctx, (ref) => missingProbe(ref, 'readinessProbe')),
};
