import { isTrue } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const hostPid: RuleDefinition = {
  id: 'host-pid',
  title: 'Pod shares the host process namespace',
  severity: 'high',
  rationale: "The pod can see and signal every process on the node, including other tenants' containers.",
  remediation: 'Remove `hostPID: true` from the pod spec.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    ctx.pod && isTrue(ctx.pod.spec.hostPID)
      ? [{ path: [...ctx.pod.path, 'hostPID'], message: 'pod sets hostPID: true' }]
      : [],
};
