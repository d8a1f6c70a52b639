import { objectAt, stringAt } from '../manifests/objects.js';
import type { RuleDefinition } from './types.js';

export const clusterAdminBinding: RuleDefinition = {
  id: 'cluster-admin-binding',
  title: 'Binding grants cluster-admin',
  severity: 'critical',
  rationale: 'cluster-admin can do anything to any object in the cluster; an application never needs it.',
  remediation: 'Bind a Role with only the verbs and resources the subject uses.',
  appliesTo: ['ClusterRoleBinding', 'RoleBinding'],
  exemptible: true,
  check: (ctx) => {
    const roleRef = objectAt(ctx.object, 'roleRef');
    if (stringAt(roleRef, 'name') !== 'cluster-admin' || stringAt(roleRef, 'kind') === 'Role') return [];
    return [
      { path: ['roleRef', 'name'], message: `${ctx.resource.kind} grants the cluster-admin ClusterRole` },
    ];
  },
};
