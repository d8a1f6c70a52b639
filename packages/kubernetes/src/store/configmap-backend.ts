import type { DocumentBackend, StoredDocument } from '@eds/core';
import { isApiError } from '../connection/api-errors.js';
import type { KubeClient } from '../connection/kube-client.js';
import {
  childNames,
  documentLabels,
  documentName,
  prefixSelector,
  STORE_ANNOTATION,
} from './document-names.js';
import { leaseSpecOf } from './lease-codec.js';
import { decodePayload, encodePayload, type Payload } from './payload.js';

interface StoredObject extends Payload {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

interface Kind {
  collection: string;
  apiVersion: string;
  kind: 'ConfigMap' | 'Lease';
}

/** Locks are Leases (coordination.k8s.io/v1), everything else ConfigMaps. */
function kindOf(key: string, namespace: string): Kind {
  const ns = encodeURIComponent(namespace);
  return key.startsWith('locks/')
    ? {
        collection: `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`,
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
      }
    : { collection: `/api/v1/namespaces/${ns}/configmaps`, apiVersion: 'v1', kind: 'ConfigMap' };
}

/**
 * Records in the cluster: one ConfigMap per document (the newest revision; older ones are not kept, a
 * ConfigMap being one object), one Lease per environment lock. Compare-and-swap is the API server's:
 * revision 1 is a create (409 AlreadyExists → someone was first), later revisions are updates carrying the
 * resourceVersion that was read (409 Conflict → someone wrote in between).
 */
export class ConfigMapBackend implements DocumentBackend {
  readonly description: string;
  /** resourceVersion and revision of what this process last read or wrote, per key: saves a GET per update. */
  readonly #seen = new Map<string, { revision: number; resourceVersion: string }>();

  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
  ) {
    this.description = `Kubernetes ConfigMaps in namespace ${namespace} on ${client.server}`;
  }

  locate(key: string): string {
    const { kind } = kindOf(key, this.namespace);
    return `${kind} ${this.namespace}/${documentName(key)}`;
  }

  async #get(key: string): Promise<StoredObject | undefined> {
    try {
      return await this.client.get<StoredObject>(
        `${kindOf(key, this.namespace).collection}/${documentName(key)}`,
      );
    } catch (error) {
      if (isApiError(error, 404)) return undefined;
      throw error;
    }
  }

  #textOf(key: string, object: StoredObject): string {
    if (kindOf(key, this.namespace).kind === 'Lease')
      return object.metadata.annotations?.[STORE_ANNOTATION.lock] ?? '';
    return decodePayload(object);
  }

  async readLatest(key: string): Promise<StoredDocument | undefined> {
    const object = await this.#get(key);
    if (!object) return undefined;
    const revision = Number(object.metadata.annotations?.[STORE_ANNOTATION.revision] ?? '1');
    this.#remember(key, revision, object);
    return {
      revision: Number.isFinite(revision) ? revision : 1,
      text: this.#textOf(key, object),
      location: this.locate(key),
    };
  }

  #remember(key: string, revision: number, object: StoredObject): void {
    if (object.metadata.resourceVersion) {
      this.#seen.set(key, { revision, resourceVersion: object.metadata.resourceVersion });
    }
  }

  #build(key: string, revision: number, text: string, resourceVersion?: string): StoredObject {
    const { apiVersion, kind } = kindOf(key, this.namespace);
    const annotations: Record<string, string> = {
      [STORE_ANNOTATION.key]: key,
      [STORE_ANNOTATION.revision]: String(revision),
    };
    const metadata = {
      name: documentName(key),
      namespace: this.namespace,
      labels: documentLabels(key),
      annotations,
      ...(resourceVersion ? { resourceVersion } : {}),
    };
    if (kind === 'Lease') {
      annotations[STORE_ANNOTATION.lock] = text;
      return { apiVersion, kind, metadata, spec: { ...leaseSpecOf(text) } };
    }
    const payload = encodePayload(text, this.locate(key));
    if (payload.binaryData) annotations[STORE_ANNOTATION.encoding] = 'gzip+base64';
    return { apiVersion, kind, metadata, ...payload };
  }

  async create(key: string, revision: number, text: string): Promise<boolean> {
    const { collection } = kindOf(key, this.namespace);
    let previous = this.#seen.get(key);
    if (revision > 1 && previous?.revision !== revision - 1) {
      const current = await this.#get(key);
      const currentRevision = Number(current?.metadata.annotations?.[STORE_ANNOTATION.revision] ?? '0');
      if (current) this.#remember(key, currentRevision, current);
      if (current && currentRevision >= revision) return false;
      previous = current ? this.#seen.get(key) : undefined;
    }
    try {
      if (revision === 1 || !previous) {
        const created = await this.client.request<StoredObject>('POST', collection, {
          body: this.#build(key, revision, text),
        });
        this.#remember(key, revision, created);
      } else {
        const updated = await this.client.request<StoredObject>('PUT', `${collection}/${documentName(key)}`, {
          body: this.#build(key, revision, text, previous.resourceVersion),
        });
        this.#remember(key, revision, updated);
      }
      return true;
    } catch (error) {
      // AlreadyExists (create) or Conflict (stale resourceVersion): someone else wrote this revision first.
      if (isApiError(error, 409)) {
        this.#seen.delete(key);
        return false;
      }
      throw error;
    }
  }

  async children(prefix: string): Promise<string[]> {
    const selector = prefixSelector(prefix);
    const kinds = prefix.startsWith('locks')
      ? [kindOf('locks/', this.namespace)]
      : [kindOf('records/', this.namespace)];
    const keys: string[] = [];
    for (const { collection } of kinds) {
      const list = await this.client.get<{ items?: StoredObject[] }>(collection, { labelSelector: selector });
      for (const item of list.items ?? []) {
        const key = item.metadata.annotations?.[STORE_ANNOTATION.key];
        if (key) keys.push(key);
      }
    }
    return childNames(keys, prefix);
  }

  /** Like Helm's `--history-max 10`: each record is an object in the cluster, not a file on a disk. */
  readonly defaultHistoryMax = 10;

  async remove(key: string): Promise<void> {
    try {
      await this.client.request('DELETE', `${kindOf(key, this.namespace).collection}/${documentName(key)}`);
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
    }
  }

  /** One object per document holds only the newest revision: nothing older to drop. */
  async prune(_key: string, _keep: number): Promise<void> {}
}
