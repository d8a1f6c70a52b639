import { arrayAt, objectAt } from '../manifests/objects.js';
import { containerLabel, forContainers, securityContextOf } from './helpers.js';
import type { RuleDefinition, RuleHit } from './types.js';

export const dangerousCapabilities: RuleDefinition = {
  id: 'dangerous-capabilities',
  title: 'Container adds Linux capabilities',
  severity: 'high',
  rationale:
    'Capabilities such as ALL, SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a container root powers over the node kernel and network.',
  remediation:
    'Remove the entry from `securityContext.capabilities.add`, or allow it in policy `parameters.allowedCapabilities` with a reason.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) => {
    const allowed = new Set(ctx.params.allowedCapabilities.map(normaliseCapability));
    return forContainers(ctx, (ref) => {
      const hits: RuleHit[] = [];
      arrayAt(objectAt(securityContextOf(ref), 'capabilities'), 'add').forEach((cap, index) => {
        const name = normaliseCapability(String(cap));
        if (allowed.has(name)) return;
        hits.push({
          path: [...ref.path, 'securityContext', 'capabilities', 'add', index],
          message: `${containerLabel(ref)} adds capability ${name}`,
        });
      });
      return hits;
    });
  },
};

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same capability to the runtime. */
export function normaliseCapability(name: string): string {
  return name.trim().toUpperCase().replace(/^CAP_/, '');
}
