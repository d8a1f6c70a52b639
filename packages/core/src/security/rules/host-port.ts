import { arrayAt, isObject, scalarText } from '../manifests/objects.js';
import { containerLabel, forContainers } from './helpers.js';
import type { RuleDefinition, RuleHit } from './types.js';

export const hostPort: RuleDefinition = {
  id: 'host-port',
  title: 'Container binds a host port',
  severity: 'medium',
  rationale:
    'A hostPort ties the pod to nodes where the port is free and exposes it on the node address, bypassing Services and network policy.',
  remediation: 'Remove `hostPort`; expose the port through a Service (ClusterIP, NodePort or LoadBalancer).',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => {
      const hits: RuleHit[] = [];
      arrayAt(ref.container, 'ports').forEach((port, index) => {
        if (!isObject(port)) return;
        const value = port.hostPort;
        if (value === undefined || value === null || value === 0) return;
        hits.push({
          path: [...ref.path, 'ports', index, 'hostPort'],
          message: `${containerLabel(ref)} binds host port ${scalarText(value)}`,
        });
      });
      return hits;
    }),
};
