import { longRunningContainers, missingProbe } from './probes.js';
import type { RuleDefinition } from './types.js';

export const missingLivenessProbe: RuleDefinition = {
  id: 'missing-liveness-probe',
  title: 'Missing liveness probe',
  severity: 'medium',
  rationale: 'Without a liveness probe a hung process keeps its pod forever; Kubernetes never restarts it.',
  remediation:
    'Add `livenessProbe` (httpGet, tcpSocket, grpc or exec) that fails only when a restart would help.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) => longRunningContainers(ctx, (ref) => missingProbe(ref, 'livenessProbe')),
};
