import { arrayAt, objectAt } from '../manifests/objects.js';
import { normaliseCapability } from './dangerous-capabilities.js';
import { containerLabel, forContainers, securityContextOf } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const capabilitiesNotDropped: RuleDefinition = {
  id: 'capabilities-not-dropped',
  title: 'Capabilities not dropped',
  severity: 'medium',
  rationale:
    'Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, SETUID…) that most applications never need.',
  remediation: 'Set `securityContext.capabilities.drop: [ALL]` and add back only what is needed.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => {
      const drop = arrayAt(objectAt(securityContextOf(ref), 'capabilities'), 'drop');
      if (drop.some((cap) => normaliseCapability(String(cap)) === 'ALL')) return undefined;
      return {
        path: [...ref.path, 'securityContext', 'capabilities', 'drop'],
        message: `${containerLabel(ref)} does not drop ALL capabilities`,
      };
    }),
};
