import { forContainers } from './helpers.js';
import { missingResources } from './resources.js';
import type { RuleDefinition } from './types.js';

export const missingResourceRequests: RuleDefinition = {
  id: 'missing-resource-requests',
  title: 'Missing CPU/memory requests',
  severity: 'medium',
  rationale:
    'Without requests the scheduler cannot place the pod sensibly and it is first to be evicted under pressure.',
  remediation: 'Set `resources.requests.cpu` and `resources.requests.memory` from observed usage.',
  appliesTo: 'workloads',
  exemptible: true,
  // Ephemeral containers cannot declare resources.
  check: (ctx) =>
    forContainers(ctx, (ref) => missingResources(ref, 'requests'), ['containers', 'initContainers']),
};
