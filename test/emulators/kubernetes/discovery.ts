/**
 * Discovery documents (legacy, unaggregated form: clients that ask for the aggregated
 * `apidiscovery.k8s.io/v2` form fall back to these when the answer is plain application/json) and
 * `/version`.
 */
import type { ResourceType } from './resources.js';
import { RESOURCE_TYPES, apiGroups, groupVersion } from './resources.js';
import type { JsonObject } from './types.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0',
  gitCommit: 'eds-kubernetes-emulator',
  gitTreeState: 'clean',
  buildDate: '2024-04-17T00:00:00Z',
  goVersion: 'go1.22.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map((group) => apiGroup(group.name, group.versions)),
  };
}

function apiGroup(name: string, versions: string[]): JsonObject {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupDocument(group: string): JsonObject | undefined {
  const found = apiGroups().find((g) => g.name === group);
  return found ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(found.name, found.versions) } : undefined;
}

function resourceEntries(rt: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: rt.verbs,
  };
  if (rt.shortNames.length > 0) main.shortNames = rt.shortNames;
  if (rt.categories.length > 0) main.categories = rt.categories;
  const entries = [main];
  for (const sub of rt.subresources) {
    entries.push(
      sub === 'scale'
        ? {
            name: `${rt.plural}/scale`,
            singularName: '',
            namespaced: rt.namespaced,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: ['get', 'patch', 'update'],
          }
        : {
            name: `${rt.plural}/status`,
            singularName: '',
            namespaced: rt.namespaced,
            kind: rt.kind,
            verbs: ['get', 'patch', 'update'],
          },
    );
  }
  return entries;
}

export function apiResourceList(group: string, version: string): JsonObject | undefined {
  const types = RESOURCE_TYPES.filter((rt) => rt.group === group && rt.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources: types.flatMap(resourceEntries),
  };
}
