import { ValidationError } from '@eds/core';
import type { WorkloadLayout } from './naming.js';

/** How canary traffic is split on the cluster. */
export type TrafficMethodName = 'replicas' | 'nginx' | 'gateway';

export interface TrafficSettings {
  method: TrafficMethodName;
  /** nginx: the Ingress host (`hello.example.com`); gateway: hostnames of the HTTPRoute. */
  host?: string;
  /** nginx: `spec.ingressClassName` (default `nginx`). */
  ingressClassName?: string;
  /** gateway: the Gateway the HTTPRoute attaches to. */
  gateway?: { name: string; namespace?: string; sectionName?: string };
}

/** What one component needs to run on Kubernetes (from eds.yaml). */
export interface ComponentWorkload {
  /** Image of the spec's version; another version's tag follows the version when the tag is the spec version. */
  image?: string;
  /** The version `image` is tagged for. */
  specVersion?: string;
  replicas?: number;
  /** Container port; default 8080. */
  port?: number;
  /** Readiness probe path. */
  healthPath?: string;
}

export interface RollingSettings {
  maxSurge: number | string;
  maxUnavailable: number | string;
}

export const METHODS: readonly TrafficMethodName[] = ['replicas', 'nginx', 'gateway'];
export const LAYOUTS: readonly WorkloadLayout[] = ['ROLLING', 'BLUE_GREEN', 'CANARY'];

/** `traffic:` of a KUBERNETES target: a method name, or an object with the method and its settings. */
export function parseTrafficSettings(value: unknown, path = 'target.traffic'): TrafficSettings {
  if (value === undefined) return { method: 'replicas' };
  if (typeof value === 'string') value = { method: value };
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || !METHODS.includes(v.method as TrafficMethodName)) {
    throw new ValidationError(`unknown canary traffic method ${JSON.stringify(v?.method ?? value)}`, {
      code: 'INVALID_TRAFFIC_METHOD',
      path: `${path}.method`,
      expected: METHODS.join(' | '),
    });
  }
  const method = v.method as TrafficMethodName;
  const settings: TrafficSettings = { method };
  if (typeof v.host === 'string') settings.host = v.host;
  if (typeof v.ingressClassName === 'string') settings.ingressClassName = v.ingressClassName;
  const gateway = v.gateway as Record<string, unknown> | undefined;
  if (gateway && typeof gateway.name === 'string') {
    settings.gateway = {
      name: gateway.name,
      ...(typeof gateway.namespace === 'string' ? { namespace: gateway.namespace } : {}),
      ...(typeof gateway.sectionName === 'string' ? { sectionName: gateway.sectionName } : {}),
    };
  }
  if (method === 'nginx' && !settings.host) {
    throw new ValidationError('the nginx traffic method needs the Ingress host', {
      code: 'INVALID_TRAFFIC_METHOD',
      path: `${path}.host`,
      expected: 'a host name such as hello.example.com',
    });
  }
  if (method === 'gateway' && !settings.gateway) {
    throw new ValidationError('the gateway traffic method needs the Gateway to attach the HTTPRoute to', {
      code: 'INVALID_TRAFFIC_METHOD',
      path: `${path}.gateway.name`,
      expected: 'gateway: { name: my-gateway, namespace?: infra }',
    });
  }
  return settings;
}

/** The image for a version: the tag follows the version when the spec's tag is the spec's version. */
export function imageForVersion(
  workload: ComponentWorkload | undefined,
  version: string,
): string | undefined {
  const image = workload?.image;
  if (!image) return undefined;
  const at = image.indexOf('@');
  const rest = at >= 0 ? image.slice(0, at) : image;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash && rest.slice(colon + 1) === workload.specVersion && version !== workload.specVersion) {
    return `${rest.slice(0, colon)}:${version}`;
  }
  return image;
}
