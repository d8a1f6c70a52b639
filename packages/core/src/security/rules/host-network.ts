import { isTrue } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const hostNetwork: RuleDefinition = {
  id: 'host-network',
  title: 'Pod shares the host network namespace',
  severity: 'high',
  rationale:
    'The pod sees every network interface of the node and can bind to its ports and sniff its traffic.',
  remediation: 'Remove `hostNetwork: true` from the pod spec.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    ctx.pod && isTrue(ctx.pod.spec.hostNetwork)
      ? [{ path: [...ctx.pod.path, 'hostNetwork'], message: 'pod sets hostNetwork: true' }]
      : [],
};
