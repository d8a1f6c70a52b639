import type { Manifest } from './manifest.js';

/**
 * Apply order, krane's predeploy order widened to the kinds EDS renders: what others depend on first
 * (namespaces, CRDs, quotas, config, identities and their permissions), then workloads and Services, then
 * what routes traffic to them, so an Ingress never points at a Service that does not exist yet.
 */
const RANK: Record<string, number> = {
  Namespace: 0,
  CustomResourceDefinition: 1,
  ResourceQuota: 2,
  LimitRange: 2,
  NetworkPolicy: 3,
  ConfigMap: 4,
  PersistentVolumeClaim: 5,
  ServiceAccount: 6,
  ClusterRole: 7,
  Role: 7,
  ClusterRoleBinding: 8,
  RoleBinding: 8,
  Secret: 9,
  // Workloads, Services and anything unknown to this table share rank 10.
  Ingress: 11,
  HTTPRoute: 11,
  GRPCRoute: 11,
};
const WORKLOAD_RANK = 10;

export function applyRank(kind: string): number {
  return RANK[kind] ?? WORKLOAD_RANK;
}

/** Stable sort by rank: objects of one rank keep the order they were rendered in. */
export function sortForApply<T extends Pick<Manifest, 'kind'>>(objects: readonly T[]): T[] {
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => applyRank(a.object.kind) - applyRank(b.object.kind) || a.index - b.index)
    .map(({ object }) => object);
}

/** Deletion (pruning) goes the other way round: routes before the workloads they point at. */
export function sortForDelete<T extends Pick<Manifest, 'kind'>>(objects: readonly T[]): T[] {
  return sortForApply(objects).reverse();
}
