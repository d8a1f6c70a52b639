import { forContainers } from './helpers.js';
import { missingResources } from './resources.js';
import type { RuleDefinition } from './types.js';

export const missingResourceLimits: RuleDefinition = {
  id: 'missing-resource-limits',
  title: 'Missing CPU/memory limits',
  severity: 'medium',
  rationale:
    'A container without limits can starve its neighbours on the node (noisy neighbour, denial of service).',
  remediation:
    'Set `resources.limits.cpu` and `resources.limits.memory`; or disable this rule in policy if CPU limits are not wanted.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => missingResources(ref, 'limits'), ['containers', 'initContainers']),
};
