/**
 * Map a request path onto what it addresses:
 *   /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]       core group
 *   /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/SUB]]
 * `/api/v1/namespaces/NAME[/status]` is the Namespace itself, not a namespace scope.
 */
import type { ResourceType, Subresource } from './resources.js';
import { findByPlural } from './resources.js';

export interface ResourceTarget {
  rt: ResourceType;
  /** Namespace scope from the URL (undefined: all namespaces, or a cluster-scoped type). */
  namespace?: string;
  name?: string;
  subresource?: Subresource;
}

export type RouteMatch =
  { kind: 'resource'; target: ResourceTarget } | { kind: 'unknown-subresource' } | { kind: 'none' };

export function matchResourcePath(pathname: string): RouteMatch {
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return { kind: 'none' };
  }
  let namespace: string | undefined;
  // `namespaces/NS/PLURAL…` is a namespace scope; `namespaces[/NAME[/status]]` is the Namespace resource.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub, ...extra] = rest;
  const rt = findByPlural(group, version, plural);
  if (!rt || extra.length > 0) return { kind: 'none' };
  if (namespace !== undefined && !rt.namespaced) return { kind: 'none' };
  let subresource: Subresource | undefined;
  if (sub !== undefined) {
    if (!rt.subresources.includes(sub as Subresource)) return { kind: 'unknown-subresource' };
    subresource = sub as Subresource;
  }
  return { kind: 'resource', target: { rt, namespace, name, subresource } };
}
