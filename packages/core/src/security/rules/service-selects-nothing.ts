import { stringRecordAt, objectAt, stringAt } from '../manifests/objects.js';
import type { RuleDefinition } from './types.js';

export const serviceSelectsNothing: RuleDefinition = {
  id: 'service-selects-nothing',
  title: 'Service selects no workload',
  severity: 'low',
  rationale:
    'A Service whose selector matches no pod template receives no endpoints: traffic to it fails, usually after a label typo.',
  remediation:
    'Make `spec.selector` match the labels of a pod template in the same namespace (or remove the Service).',
  appliesTo: ['Service'],
  exemptible: true,
  check: (ctx) => {
    const spec = objectAt(ctx.object, 'spec');
    // Services without a selector (ExternalName, hand-managed Endpoints) select nothing on purpose.
    if (stringAt(spec, 'type') === 'ExternalName') return [];
    const selector = stringRecordAt(spec, 'selector');
    const entries = Object.entries(selector);
    if (entries.length === 0) return [];
    // Only templates carrying the first selector label can match; check the rest of the selector on those.
    const [firstKey, firstValue] = entries[0];
    const candidates =
      ctx.index.podTemplatesByLabel.get(ctx.resource.namespace ?? '')?.get(`${firstKey}=${firstValue}`) ?? [];
    const matched = candidates.some((labels) => entries.every(([key, value]) => labels[key] === value));
    if (matched) return [];
    const text = entries.map(([key, value]) => `${key}=${value}`).join(',');
    return [
      { path: ['spec', 'selector'], message: `selector ${text} matches no pod template in these manifests` },
    ];
  },
};
