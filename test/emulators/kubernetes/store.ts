/**
 * The emulator's etcd: objects per resource type, one global monotonic resourceVersion (a decimal
 * string on the wire, as etcd revisions are), uid/creationTimestamp/generation assignment, and a
 * change feed (WatchHub) that watches and controllers consume. Every read returns a copy.
 */
import { randomUUID } from 'node:crypto';
import { STALE_OBJECT, alreadyExists, conflict, notFound } from './errors.js';
import { recordUpdate } from './managed-fields.js';
import type { ResourceType } from './resources.js';
import { resourceKey } from './resources.js';
import type { KubeObject } from './types.js';
import { clone, deepEqual, now } from './types.js';
import type { ChangeType } from './watch-hub.js';
import { WatchHub } from './watch-hub.js';

export interface WriteOptions {
  /** Field manager recorded in managedFields (Update operation); none for writes that bypass tracking. */
  manager?: string;
  /** `status` or `scale` when the write came through a subresource. */
  subresource?: string;
  /** Server-side dry run: validate and return the result, store nothing. */
  dryRun?: boolean;
  /** managedFields were computed by the caller (server-side apply). */
  managedFieldsSet?: boolean;
  /** A uid chosen before the create (Jobs derive their selector from it). */
  uid?: string;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Everything but metadata and status: what a spec change is, for generation purposes. */
function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

/** Empty maps and lists in metadata are dropped on the wire (Go `omitempty`), so they are never stored. */
function dropEmptyMetadata(object: KubeObject): void {
  const meta = object.metadata as unknown as Record<string, unknown>;
  for (const key of ['labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields']) {
    const value = meta[key];
    if (value === null || (Array.isArray(value) && value.length === 0)) delete meta[key];
    else if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) delete meta[key];
  }
}

export class ObjectStore {
  private revision = 0;
  private readonly byResource = new Map<string, Map<string, KubeObject>>();
  readonly hub: WatchHub;

  constructor(watchHistory: number) {
    this.hub = new WatchHub(watchHistory);
  }

  resourceVersion(): string {
    return String(this.revision);
  }

  revisionNumber(): number {
    return this.revision;
  }

  private table(rt: ResourceType): Map<string, KubeObject> {
    const key = resourceKey(rt);
    let table = this.byResource.get(key);
    if (!table) this.byResource.set(key, (table = new Map<string, KubeObject>()));
    return table;
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.table(rt).get(objectKey(rt.namespaced ? namespace : undefined, name));
    return found ? clone(found) : undefined;
  }

  mustGet(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.get(rt, namespace, name);
    if (!found) throw notFound({ group: rt.group, resource: rt.plural }, name);
    return found;
  }

  /** Objects of a type, optionally in one namespace, in namespace/name order (as etcd keys sort). */
  list(rt: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.table(rt).values()) {
      if (namespace === undefined || !rt.namespaced || object.metadata.namespace === namespace)
        out.push(clone(object));
    }
    return out.sort((a, b) =>
      objectKey(a.metadata.namespace, a.metadata.name).localeCompare(
        objectKey(b.metadata.namespace, b.metadata.name),
      ),
    );
  }

  private emit(rt: ResourceType, type: ChangeType, object: KubeObject, previous?: KubeObject): void {
    this.hub.publish({
      resourceVersion: Number(object.metadata.resourceVersion),
      resource: resourceKey(rt),
      type,
      object: clone(object),
      previous: previous ? clone(previous) : undefined,
    });
  }

  create(rt: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const table = this.table(rt);
    const namespace = rt.namespaced ? input.metadata.namespace : undefined;
    const key = objectKey(namespace, input.metadata.name);
    if (table.has(key)) throw alreadyExists({ group: rt.group, resource: rt.plural }, input.metadata.name);
    const object = clone(input);
    dropEmptyMetadata(object);
    object.apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
    object.kind = rt.kind;
    if (!rt.namespaced) delete object.metadata.namespace;
    object.metadata.uid = options.uid ?? randomUUID();
    object.metadata.creationTimestamp = now();
    if (rt.hasGeneration) object.metadata.generation = 1;
    else delete object.metadata.generation;
    if (options.manager && !options.managedFieldsSet)
      recordUpdate(undefined, object, options.manager, undefined);
    if (options.dryRun) {
      object.metadata.resourceVersion = '';
      return object;
    }
    object.metadata.resourceVersion = String(++this.revision);
    table.set(key, object);
    this.emit(rt, 'ADDED', object);
    return clone(object);
  }

  /**
   * Replace an object. A non-empty `metadata.resourceVersion` in `input` is a precondition (409 when
   * stale). Identity and server-owned metadata are kept from the stored object.
   */
  update(rt: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const table = this.table(rt);
    const namespace = rt.namespaced ? input.metadata.namespace : undefined;
    const key = objectKey(namespace, input.metadata.name);
    const current = table.get(key);
    const gr = { group: rt.group, resource: rt.plural };
    if (!current) throw notFound(gr, input.metadata.name);
    const wanted = input.metadata.resourceVersion;
    if (wanted && wanted !== current.metadata.resourceVersion)
      throw conflict(gr, input.metadata.name, STALE_OBJECT);
    if (input.metadata.uid && input.metadata.uid !== current.metadata.uid) {
      throw conflict(
        gr,
        input.metadata.name,
        `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    const object = clone(input);
    dropEmptyMetadata(object);
    object.apiVersion = current.apiVersion;
    object.kind = current.kind;
    object.metadata.uid = current.metadata.uid;
    object.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp)
      object.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    if (!rt.namespaced) delete object.metadata.namespace;
    if (rt.hasGeneration) {
      const generation = current.metadata.generation ?? 1;
      object.metadata.generation = deepEqual(specPart(current), specPart(object))
        ? generation
        : generation + 1;
    } else {
      delete object.metadata.generation;
    }
    if (options.manager && !options.managedFieldsSet)
      recordUpdate(current, object, options.manager, options.subresource);
    else if (!options.managedFieldsSet) object.metadata.managedFields = current.metadata.managedFields;
    object.metadata.resourceVersion = current.metadata.resourceVersion;
    // An update that changes nothing is not a write: no new resourceVersion, no watch event (as the API).
    if (deepEqual(object, current)) return clone(current);
    if (options.dryRun) return object;
    object.metadata.resourceVersion = String(++this.revision);
    table.set(key, object);
    this.emit(rt, 'MODIFIED', object, current);
    return clone(object);
  }

  delete(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    options: WriteOptions = {},
  ): KubeObject {
    const table = this.table(rt);
    const key = objectKey(rt.namespaced ? namespace : undefined, name);
    const current = table.get(key);
    if (!current) throw notFound({ group: rt.group, resource: rt.plural }, name);
    if (options.dryRun) return clone(current);
    table.delete(key);
    const gone = clone(current);
    // The DELETED event carries the object at the resourceVersion of the deletion.
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit(rt, 'DELETED', gone, current);
    return clone(gone);
  }
}
