import { containerLabel, forContainers, securityContextOf } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const privilegeEscalationAllowed: RuleDefinition = {
  id: 'privilege-escalation-allowed',
  title: 'Privilege escalation not disabled',
  severity: 'high',
  rationale:
    'Unless `allowPrivilegeEscalation` is false, a process can gain more privileges than its parent (setuid binaries).',
  remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on every container.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => {
      const value = securityContextOf(ref)?.allowPrivilegeEscalation;
      if (value === false || value === 'false') return undefined;
      // Kubernetes defaults this to true, so "not set" is a finding too.
      const why =
        value === undefined ? 'does not set allowPrivilegeEscalation: false' : 'allows privilege escalation';
      return {
        path: [...ref.path, 'securityContext', 'allowPrivilegeEscalation'],
        message: `${containerLabel(ref)} ${why}`,
      };
    }),
};
