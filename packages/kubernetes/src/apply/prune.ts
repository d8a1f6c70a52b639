import { ValidationError } from '@eds/core';
import { resourcePath, type Discovery } from '../connection/discovery.js';
import type { KubeClient } from '../connection/kube-client.js';
import { isApiError } from '../connection/api-errors.js';
import { describeObject, type Manifest } from './manifest.js';
import { sortForDelete } from './order.js';
import { ownershipSelector } from './ownership.js';

/** Namespaces shared by everyone: pruning there is krane's most painful bug (#515), so it needs an explicit yes. */
export const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'] as const;

/** Marks objects that came from rendered manifests: the only ones pruning may delete. */
export const PRUNABLE_LABEL = 'eds.dev/prunable';

/**
 * Kinds EDS prunes, all namespaced. Not PersistentVolumeClaims (data), not Namespaces or cluster-scoped kinds
 * (shared beyond one application).
 */
export const PRUNABLE_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
];

export interface PruneOptions {
  namespace: string;
  application: string;
  environment: string;
  /** Allow pruning in default/kube-system/kube-public. */
  allowProtectedNamespace?: boolean;
}

const key = (o: Pick<Manifest, 'kind' | 'metadata'>) => `${o.kind}/${o.metadata.name}`;

export function assertPrunableNamespace(namespace: string, allowProtected: boolean): void {
  if (!allowProtected && (PROTECTED_NAMESPACES as readonly string[]).includes(namespace)) {
    throw new ValidationError(
      `refusing to prune in the protected namespace ${namespace}: other applications live there`,
      {
        code: 'PROTECTED_NAMESPACE',
        expected: 'a namespace of its own, or an explicit allowProtectedNamespace',
      },
    );
  }
}

/**
 * What to delete: objects this application created in this environment and namespace, marked prunable, that
 * the current render no longer contains. Pure, so the safety rules are tested without a cluster.
 */
export function selectPrunable(
  existing: readonly Manifest[],
  rendered: readonly Pick<Manifest, 'kind' | 'metadata'>[],
  options: PruneOptions,
): Manifest[] {
  assertPrunableNamespace(options.namespace, options.allowProtectedNamespace === true);
  const keep = new Set(rendered.map(key));
  return existing.filter(
    (object) =>
      object.metadata.namespace === options.namespace &&
      object.metadata.labels?.[PRUNABLE_LABEL] === 'true' &&
      object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'eds' &&
      !keep.has(key(object)),
  );
}

/** List, select and delete (routes first). Returns what was deleted. */
export async function prune(
  client: KubeClient,
  discovery: Discovery,
  rendered: readonly Pick<Manifest, 'kind' | 'metadata'>[],
  options: PruneOptions,
): Promise<Manifest[]> {
  assertPrunableNamespace(options.namespace, options.allowProtectedNamespace === true);
  const selector = `${ownershipSelector(options.application, options.environment)},${PRUNABLE_LABEL}=true`;
  const existing: Manifest[] = [];
  for (const { apiVersion, kind } of PRUNABLE_KINDS) {
    let info;
    try {
      info = await discovery.resolve(apiVersion, kind);
    } catch {
      continue; // the cluster does not serve this kind: nothing of it to prune
    }
    const list = await client.get<{ items?: Manifest[] }>(resourcePath(info, options.namespace), {
      labelSelector: selector,
    });
    for (const item of list.items ?? []) existing.push({ ...item, apiVersion, kind });
  }
  const doomed = sortForDelete(selectPrunable(existing, rendered, options));
  for (const object of doomed) {
    const info = await discovery.resolve(object.apiVersion, object.kind);
    try {
      await client.request('DELETE', resourcePath(info, options.namespace, object.metadata.name), {
        query: { propagationPolicy: 'Background' },
      });
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
    }
  }
  return doomed;
}

export { describeObject };
