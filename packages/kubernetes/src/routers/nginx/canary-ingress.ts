import type { TrafficMatch } from '@eds/core';
import type { Manifest } from '../../apply/manifest.js';
import type { Ownership } from '../../apply/ownership.js';
import { ownershipLabels } from '../../apply/ownership.js';

const PREFIX = 'nginx.ingress.kubernetes.io';

export interface IngressInput {
  name: string;
  namespace: string;
  owner: Ownership;
  host: string;
  ingressClassName: string;
  service: string;
}

export function ingressManifest(input: IngressInput, annotations: Record<string, string> = {}): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: ownershipLabels({ ...input.owner, version: undefined }),
      annotations,
    },
    spec: {
      ingressClassName: input.ingressClassName,
      rules: [
        {
          host: input.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: input.service, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * ingress-nginx canary annotations: weight out of 100, and a header (with value) or cookie that sends a request
 * to the canary whatever the weight. ingress-nginx routes a cookie match only when its value is `always`.
 */
export function canaryAnnotations(weight: number, match: TrafficMatch | undefined): Record<string, string> {
  return {
    [`${PREFIX}/canary`]: 'true',
    [`${PREFIX}/canary-weight`]: String(weight),
    [`${PREFIX}/canary-weight-total`]: '100',
    ...(match?.header
      ? {
          [`${PREFIX}/canary-by-header`]: match.header.name,
          [`${PREFIX}/canary-by-header-value`]: match.header.value,
        }
      : {}),
    ...(match?.cookie ? { [`${PREFIX}/canary-by-cookie`]: match.cookie.name } : {}),
  };
}

export function ingressBackend(ingress: Manifest | undefined): string | undefined {
  const spec = ingress?.spec as
    { rules?: { http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[] } | undefined;
  return spec?.rules?.[0]?.http?.paths?.[0]?.backend?.service?.name;
}
