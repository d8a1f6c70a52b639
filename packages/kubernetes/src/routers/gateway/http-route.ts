import type { TrafficMatch } from '@eds/core';
import type { Manifest } from '../../apply/manifest.js';
import { ownershipLabels, type Ownership } from '../../apply/ownership.js';

export interface HttpRouteInput {
  name: string;
  namespace: string;
  owner: Ownership;
  gateway: { name: string; namespace?: string; sectionName?: string };
  hostnames: string[];
  /** Service name → weight. */
  backends: [string, number][];
  /** Services that header/cookie matches send to, with the match. */
  matched: { service: string; match: TrafficMatch }[];
}

/** Gateway API cookie matching has no field of its own: a regular expression over the Cookie header. */
function matchesOf(match: TrafficMatch): Record<string, unknown>[] {
  const headers: Record<string, unknown>[] = [];
  if (match.header) headers.push({ type: 'Exact', name: match.header.name, value: match.header.value });
  if (match.cookie) {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    headers.push({
      type: 'RegularExpression',
      name: 'Cookie',
      value: `(^|;\\s*)${escape(match.cookie.name)}=${escape(match.cookie.value)}(;|$)`,
    });
  }
  return headers.map((header) => ({ headers: [header] }));
}

/** HTTPRoute with weighted backendRefs; matches get rules of their own, which Gateway API ranks first. */
export function httpRouteManifest(input: HttpRouteInput): Manifest {
  const matchRules = input.matched.map(({ service, match }) => ({
    matches: matchesOf(match),
    backendRefs: [{ name: service, port: 80, weight: 1 }],
  }));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: ownershipLabels({ ...input.owner, version: undefined }),
    },
    spec: {
      parentRefs: [
        {
          name: input.gateway.name,
          ...(input.gateway.namespace ? { namespace: input.gateway.namespace } : {}),
          ...(input.gateway.sectionName ? { sectionName: input.gateway.sectionName } : {}),
        },
      ],
      ...(input.hostnames.length ? { hostnames: input.hostnames } : {}),
      rules: [
        ...matchRules,
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: input.backends.map(([name, weight]) => ({ name, port: 80, weight })),
        },
      ],
    },
  };
}
