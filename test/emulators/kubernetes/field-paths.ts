/**
 * Field paths and field sets in the `FieldsV1` vocabulary of server-side apply (sigs.k8s.io/structured-merge-diff):
 * `f:name` a map field, `k:{"name":"web"}` an element of an associative list, `v:"x"` an element of a set,
 * `i:0` a list index. A set of paths is what one field manager owns.
 *
 * The emulator has no OpenAPI schema, so which lists are associative (and by which keys) comes from a
 * small table of the lists EDS and kubectl touch; every other list is atomic, as for an unannotated CRD.
 */
import type { JsonObject } from './types.js';
import { deepEqual, isObject } from './types.js';

export type PathElement = string;
export type FieldPath = PathElement[];

export type ListType = { keys: string[] } | 'set' | 'atomic';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** `names` are the map field names from the root to the list (list elements are skipped). */
export function listTypeOf(names: readonly string[]): ListType {
  const last = names[names.length - 1];
  const parent = names[names.length - 2];
  switch (last) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return { keys: ['name'] };
    case 'ports':
      if (parent !== undefined && CONTAINER_LISTS.has(parent)) return { keys: ['containerPort', 'protocol'] };
      if (names.length === 2 && names[0] === 'spec') return { keys: ['port', 'protocol'] };
      return 'atomic';
    case 'volumeMounts':
      return { keys: ['mountPath'] };
    case 'conditions':
      return { keys: ['type'] };
    case 'ownerReferences':
      return { keys: ['uid'] };
    case 'hostAliases':
      return { keys: ['ip'] };
    case 'finalizers':
      return 'set';
    default:
      return 'atomic';
  }
}

/** Key values of one list element; `protocol` defaults to TCP as the API server defaults it before keying. */
export function elementKey(element: unknown, keys: readonly string[]): JsonObject {
  const key: JsonObject = {};
  for (const name of [...keys].sort()) {
    const value = isObject(element) ? element[name] : undefined;
    if (value !== undefined) key[name] = value;
    else if (name === 'protocol') key[name] = 'TCP';
  }
  return key;
}

export function keyElement(element: unknown, keys: readonly string[]): PathElement {
  return `k:${JSON.stringify(elementKey(element, keys))}`;
}

function matchesKey(element: unknown, key: JsonObject): boolean {
  return deepEqual(elementKey(element, Object.keys(key)), key);
}

/** The value at a path, or undefined when the path does not exist in `root`. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let current: unknown = root;
  for (const element of path) {
    if (current === undefined) return undefined;
    const tag = element.slice(0, 2);
    const rest = element.slice(2);
    if (tag === 'f:') {
      current = isObject(current) ? current[rest] : undefined;
    } else if (!Array.isArray(current)) {
      return undefined;
    } else if (tag === 'k:') {
      const key = JSON.parse(rest) as JsonObject;
      current = current.find((item) => matchesKey(item, key));
    } else if (tag === 'v:') {
      const wanted: unknown = JSON.parse(rest);
      current = current.find((item) => deepEqual(item, wanted));
    } else if (tag === 'i:') {
      current = current[Number(rest)];
    } else {
      return undefined;
    }
  }
  return current;
}

/** Remove the field or element a path names (no-op when absent). */
export function removeAt(root: JsonObject, path: FieldPath): void {
  if (path.length === 0) return;
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  const tag = last.slice(0, 2);
  const rest = last.slice(2);
  if (tag === 'f:' && isObject(parent)) {
    delete parent[rest];
  } else if (Array.isArray(parent)) {
    let index = -1;
    if (tag === 'k:') {
      const key = JSON.parse(rest) as JsonObject;
      index = parent.findIndex((item) => matchesKey(item, key));
    } else if (tag === 'v:') {
      const wanted: unknown = JSON.parse(rest);
      index = parent.findIndex((item) => deepEqual(item, wanted));
    } else if (tag === 'i:') {
      index = Number(rest);
    }
    if (index >= 0 && index < parent.length) parent.splice(index, 1);
  }
}

/** `.spec.template.spec.containers[name="web"].image`, the notation of apply conflict messages. */
export function pathToString(path: FieldPath): string {
  return path
    .map((element) => {
      const rest = element.slice(2);
      switch (element.slice(0, 2)) {
        case 'f:':
          return `.${rest}`;
        case 'k:': {
          const key = JSON.parse(rest) as JsonObject;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${rest}]`;
        default:
          return `[${rest}]`;
      }
    })
    .join('');
}

export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  add(path: FieldPath): void {
    this.paths.set(JSON.stringify(path), path);
  }

  has(path: FieldPath): boolean {
    return this.paths.has(JSON.stringify(path));
  }

  delete(path: FieldPath): void {
    this.paths.delete(JSON.stringify(path));
  }

  get size(): number {
    return this.paths.size;
  }

  toArray(): FieldPath[] {
    return [...this.paths.values()];
  }

  filter(keep: (path: FieldPath) => boolean): FieldSet {
    return new FieldSet(this.toArray().filter(keep));
  }

  /** Nested FieldsV1 JSON: a member with children carries `".": {}`. */
  toFieldsV1(): JsonObject {
    const root: JsonObject = {};
    const sorted = this.toArray().sort((a, b) => a.length - b.length);
    for (const path of sorted) {
      let node = root;
      for (const element of path) {
        const child = node[element];
        if (isObject(child)) {
          node = child;
        } else {
          const created: JsonObject = {};
          node[element] = created;
          node = created;
        }
      }
      node['.'] = {};
    }
    // `.` only where the node also has children: a leaf is written `{}`.
    const tidy = (node: JsonObject): JsonObject => {
      const out: JsonObject = {};
      const keys = Object.keys(node).filter((k) => k !== '.');
      if (keys.length > 0 && '.' in node) out['.'] = {};
      for (const key of keys.sort()) out[key] = tidy(node[key] as JsonObject);
      return out;
    };
    return tidy(root);
  }

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: FieldPath): void => {
      if (!isObject(node)) return;
      const keys = Object.keys(node);
      if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.add(path);
      for (const key of keys) if (key !== '.') walk(node[key], [...path, key]);
    };
    walk(fields, []);
    return set;
  }
}

/** Metadata that identifies or is owned by the server, never by a field manager. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** The fields an object (or an applied configuration) sets, as SSA counts them. */
export function fieldsOf(object: JsonObject, scope: 'main' | 'status'): FieldSet {
  const out = new FieldSet();
  const collect = (value: unknown, path: FieldPath, names: string[]): void => {
    if (isObject(value)) {
      const keys = Object.keys(value).filter((k) => value[k] !== undefined);
      if (keys.length === 0 && path.length > 0) out.add(path);
      for (const key of keys) collect(value[key], [...path, `f:${key}`], [...names, key]);
    } else if (Array.isArray(value)) {
      const type = listTypeOf(names);
      if (type === 'atomic') {
        out.add(path);
      } else if (type === 'set') {
        for (const item of value) out.add([...path, `v:${JSON.stringify(item)}`]);
      } else {
        for (const item of value) {
          const elementPath = [...path, keyElement(item, type.keys)];
          out.add(elementPath);
          if (isObject(item)) {
            for (const key of Object.keys(item))
              collect(item[key], [...elementPath, `f:${key}`], [...names, key]);
          }
        }
      }
    } else {
      out.add(path);
    }
  };
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (scope === 'status' ? key !== 'status' : key === 'status') continue;
    if (key === 'metadata' && isObject(value)) {
      for (const [metaKey, metaValue] of Object.entries(value)) {
        if (SERVER_METADATA.has(metaKey)) continue;
        collect(metaValue, ['f:metadata', `f:${metaKey}`], ['metadata', metaKey]);
      }
      continue;
    }
    collect(value, [`f:${key}`], [key]);
  }
  return out;
}

/** Fields of `next` that `previous` lacks or holds with another value: what an Update takes ownership of. */
export function changedFields(
  previous: JsonObject | undefined,
  next: JsonObject,
  scope: 'main' | 'status',
): FieldSet {
  return fieldsOf(next, scope).filter((path) => {
    const before = previous === undefined ? undefined : valueAt(previous, path);
    const last = path[path.length - 1];
    // A list element is "changed" only when it is new; its own fields carry the differences.
    if (last.startsWith('k:')) return before === undefined;
    return !deepEqual(before, valueAt(next, path));
  });
}
