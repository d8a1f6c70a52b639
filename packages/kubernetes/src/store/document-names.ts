import { createHash } from 'node:crypto';
import { labelValue } from '../apply/ownership.js';

/** Labels of every object the record store writes; `children` lists by them. */
export const STORE_LABEL = {
  managedBy: 'app.kubernetes.io/managed-by',
  store: 'eds.dev/store',
  app: 'eds.dev/app',
  env: 'eds.dev/env',
  kind: 'eds.dev/kind',
} as const;

export const STORE_ANNOTATION = {
  /** The exact document key; names are lossy (lowercase, shortened). */
  key: 'eds.dev/key',
  revision: 'eds.dev/revision',
  /** The EDS lock document of a Lease. */
  lock: 'eds.dev/lock',
  encoding: 'eds.dev/encoding',
} as const;

/**
 * `records/hello/prod/hello.prod.20250101T…` → `eds-records-hello-prod-hello.prod.20250101t…-1a2b3c4d`: a DNS
 * subdomain, unique per key thanks to the hash of the exact key (lowercasing alone could make two keys collide).
 */
export function documentName(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  const readable = key
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 200);
  return `eds-${readable ? `${readable}-` : ''}${hash}`;
}

/** `records/app/env/id` → labels kind=records, app, env: what `children` selects on. */
export function documentLabels(key: string): Record<string, string> {
  const [kind = '', app, env] = key.split('/');
  return {
    [STORE_LABEL.managedBy]: 'eds',
    [STORE_LABEL.store]: 'true',
    [STORE_LABEL.kind]: labelValue(kind),
    ...(app !== undefined ? { [STORE_LABEL.app]: labelValue(app) } : {}),
    ...(env !== undefined ? { [STORE_LABEL.env]: labelValue(env) } : {}),
  };
}

/** The label selector narrowing a `children` listing to a prefix's kind, app and environment. */
export function prefixSelector(prefix: string): string {
  const parts = prefix.split('/').filter(Boolean);
  const labels: string[] = [`${STORE_LABEL.store}=true`];
  const [kind, app, env] = parts;
  if (kind !== undefined) labels.push(`${STORE_LABEL.kind}=${labelValue(kind)}`);
  if (app !== undefined) labels.push(`${STORE_LABEL.app}=${labelValue(app)}`);
  if (env !== undefined) labels.push(`${STORE_LABEL.env}=${labelValue(env)}`);
  return labels.join(',');
}

/** Direct children of `prefix` among `keys`. */
export function childNames(keys: Iterable<string>, prefix: string): string[] {
  const start = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const names = new Set<string>();
  for (const key of keys) {
    if (key.startsWith(start)) {
      const name = key.slice(start.length).split('/')[0];
      if (name) names.add(name);
    }
  }
  return [...names];
}
