/**
 * The resource types the emulator serves: what discovery advertises and what the router accepts.
 * Names, short names, verbs and categories are those of a v1.30 API server.
 */

export type Subresource = 'status' | 'scale';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** The URL segment, e.g. `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /** Whether spec changes bump `metadata.generation` (workloads, networking, CRDs). */
  hasGeneration: boolean;
  /** Served from a CustomResourceDefinition (no strategic merge patch; list items keep kind/apiVersion). */
  custom: boolean;
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION_DELETE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function type(
  group: string,
  version: string,
  kind: string,
  plural: string,
  options: Partial<Omit<ResourceType, 'group' | 'version' | 'kind' | 'plural'>> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    subresources: [],
    hasGeneration: false,
    custom: false,
    verbs: ALL_VERBS,
    ...options,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  type('', 'v1', 'Namespace', 'namespaces', {
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: NO_COLLECTION_DELETE,
  }),
  type('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  type('', 'v1', 'Secret', 'secrets'),
  type('', 'v1', 'Service', 'services', {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  }),
  type('', 'v1', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  type('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], subresources: ['status'] }),
  type('apps', 'v1', 'Deployment', 'deployments', {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    hasGeneration: true,
  }),
  type('apps', 'v1', 'ReplicaSet', 'replicasets', {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    hasGeneration: true,
  }),
  type('batch', 'v1', 'Job', 'jobs', { categories: ['all'], subresources: ['status'], hasGeneration: true }),
  type('networking.k8s.io', 'v1', 'Ingress', 'ingresses', {
    shortNames: ['ing'],
    subresources: ['status'],
    hasGeneration: true,
  }),
  type('gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes', {
    categories: ['gateway-api'],
    subresources: ['status'],
    hasGeneration: true,
    custom: true,
  }),
  type('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  type('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  type('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  type('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', { namespaced: false }),
  type('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', { namespaced: false }),
];

export function groupVersion(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** Store key of a resource type: `apps/deployments`, `/configmaps` for core. */
export function resourceKey(rt: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${rt.group}/${rt.plural}`;
}

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((rt) => rt.group === group && rt.version === version && rt.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((rt) => groupVersion(rt) === apiVersion && rt.kind === kind);
}

export function mustFindByKind(apiVersion: string, kind: string): ResourceType {
  const found = findByKind(apiVersion, kind);
  if (!found) throw new Error(`emulator bug: no resource type ${apiVersion} ${kind}`);
  return found;
}

/** `Deployment.apps`: how validation messages name a kind. */
export function qualifiedKind(rt: ResourceType): string {
  return rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
}

/** The API groups in discovery order, each with its versions. */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups: { name: string; versions: string[] }[] = [];
  for (const rt of RESOURCE_TYPES) {
    if (rt.group === '') continue;
    let group = groups.find((g) => g.name === rt.group);
    if (!group) groups.push((group = { name: rt.group, versions: [] }));
    if (!group.versions.includes(rt.version)) group.versions.push(rt.version);
  }
  return groups;
}
