import { arrayAt, isObject } from '../manifests/objects.js';
import type { RuleDefinition, RuleHit } from './types.js';

export const wildcardRbac: RuleDefinition = {
  id: 'wildcard-rbac',
  title: 'RBAC rule uses wildcards',
  severity: 'high',
  rationale:
    "A `*` verb or resource grants today's and tomorrow's permissions, including secrets and escalate/bind.",
  remediation: 'List the exact verbs and resources the subject needs.',
  appliesTo: ['Role', 'ClusterRole'],
  exemptible: true,
  check: (ctx) => {
    const hits: RuleHit[] = [];
    arrayAt(ctx.object, 'rules').forEach((rule, index) => {
      if (!isObject(rule)) return;
      for (const field of ['verbs', 'resources'] as const) {
        const values = arrayAt(rule, field);
        const at = values.findIndex((value) => value === '*');
        if (at >= 0)
          hits.push({ path: ['rules', index, field, at], message: `rules[${index}].${field} contains "*"` });
      }
    });
    return hits;
  },
};
