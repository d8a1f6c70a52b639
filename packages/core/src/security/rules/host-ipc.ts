import { isTrue } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const hostIpc: RuleDefinition = {
  id: 'host-ipc',
  title: 'Pod shares the host IPC namespace',
  severity: 'high',
  rationale: 'The pod can read shared memory of processes on the node.',
  remediation: 'Remove `hostIPC: true` from the pod spec.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    ctx.pod && isTrue(ctx.pod.spec.hostIPC)
      ? [{ path: [...ctx.pod.path, 'hostIPC'], message: 'pod sets hostIPC: true' }]
      : [],
};
