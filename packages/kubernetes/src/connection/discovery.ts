import { isApiError, unknownKind } from './api-errors.js';
import type { KubeClient } from './kube-client.js';

/** How a kind is addressed over REST. */
export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** Plural resource name in URLs, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/** `v1` → `/api/v1`, `apps/v1` → `/apis/apps/v1`. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Collection or object path of a resource. */
export function resourcePath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const scope = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${groupVersionPath(info.apiVersion)}${scope}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

/**
 * Kind → resource through API discovery, one request per group version, cached for the life of the client. A
 * manifest for a kind the server does not list (a missing CRD, a typo) is a ValidationError before anything
 * is applied.
 */
export class Discovery {
  readonly #lists = new Map<string, Promise<ApiResourceList | undefined>>();

  constructor(private readonly client: KubeClient) {}

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let list = this.#lists.get(apiVersion);
    if (!list) {
      list = this.client.get<ApiResourceList>(groupVersionPath(apiVersion)).catch((error: unknown) => {
        if (isApiError(error, 404)) return undefined;
        this.#lists.delete(apiVersion);
        throw error;
      });
      this.#lists.set(apiVersion, list);
    }
    const resources = (await list)?.resources ?? [];
    const match = resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!match) throw unknownKind(apiVersion, kind, this.client.server);
    return { apiVersion, kind, plural: match.name, namespaced: match.namespaced };
  }
}
