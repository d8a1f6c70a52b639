import { containerLabel, forContainers, isTrue, securityContextOf } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const privilegedContainer: RuleDefinition = {
  id: 'privileged-container',
  title: 'Container runs privileged',
  severity: 'critical',
  rationale:
    'A privileged container has every capability and access to all host devices: escaping to the node is trivial.',
  remediation:
    'Remove `securityContext.privileged: true`; grant only the specific capability the process needs.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) =>
      isTrue(securityContextOf(ref)?.privileged)
        ? {
            path: [...ref.path, 'securityContext', 'privileged'],
            message: `${containerLabel(ref)} runs privileged`,
          }
        : undefined,
    ),
};
