import { arrayAt, isObject, objectAt } from '../manifests/objects.js';
import type { RuleDefinition, RuleHit } from './types.js';

export const ingressWithoutTls: RuleDefinition = {
  id: 'ingress-without-tls',
  title: 'Ingress without TLS',
  severity: 'medium',
  rationale:
    'Traffic to a host without TLS travels in clear text: credentials and session cookies can be read on the way.',
  remediation:
    'Add `spec.tls` with a certificate Secret covering every host in `spec.rules` (cert-manager can issue it).',
  appliesTo: ['Ingress'],
  exemptible: true,
  check: (ctx) => {
    const spec = objectAt(ctx.object, 'spec');
    const tls = arrayAt(spec, 'tls').filter(isObject);
    if (tls.length === 0)
      return [
        { path: ['spec', 'tls'], message: 'Ingress has no spec.tls: traffic is served over plain HTTP' },
      ];
    const covered = new Set(tls.flatMap((entry) => arrayAt(entry, 'hosts').map(String)));
    const hits: RuleHit[] = [];
    arrayAt(spec, 'rules').forEach((rule, index) => {
      if (!isObject(rule) || typeof rule.host !== 'string') return;
      if (covered.has(rule.host) || wildcardCovers(covered, rule.host)) return;
      hits.push({
        path: ['spec', 'rules', index, 'host'],
        message: `host ${rule.host} is not covered by spec.tls`,
      });
    });
    return hits;
  },
};

function wildcardCovers(hosts: ReadonlySet<string>, host: string): boolean {
  const dot = host.indexOf('.');
  return dot > 0 && hosts.has(`*${host.slice(dot)}`);
}
