/**
 * The three classic patch types: JSON merge patch (RFC 7386), strategic merge patch (Kubernetes:
 * associative lists merge by key, `$patch: delete|replace` directives) and JSON patch (RFC 6902).
 * A patch that cannot apply throws ApiError (400 for a malformed patch, 422 when an operation fails).
 */
import { badRequest, unprocessable } from './errors.js';
import { elementKey, listTypeOf } from './field-paths.js';
import type { JsonObject } from './types.js';
import { clone, deepEqual, isObject } from './types.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function strategicList(live: unknown[], patch: unknown[], names: string[]): unknown[] {
  const type = listTypeOf(names);
  if (type === 'atomic') return patch.map((item) => stripDirectives(item));
  if (type === 'set') {
    const result = clone(live);
    for (const item of patch)
      if (!result.some((existing) => deepEqual(existing, item))) result.push(clone(item));
    return result;
  }
  // Lists keyed by a "patch merge key": the first key (name, containerPort, port, mountPath, type, uid).
  const mergeKey = type.keys[0];
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch
      .filter((item) => !(isObject(item) && item.$patch === 'replace'))
      .map((item) => stripDirectives(item));
  }
  const result = clone(live);
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`unable to find merge key "${mergeKey}" in a non-map list element`);
    if (item[mergeKey] === undefined) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const key = elementKey(item, [mergeKey]);
    const index = result.findIndex((existing) => deepEqual(elementKey(existing, [mergeKey]), key));
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item, names);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return clone(value);
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    result[key] = stripDirectives(child);
  }
  return result;
}

export function strategicMergePatch(target: unknown, patch: unknown, names: string[] = []): unknown {
  if (!isObject(patch)) return stripDirectives(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch !== undefined) throw badRequest(`Unknown patch type: ${JSON.stringify(patch.$patch)}`);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    // `$setElementOrder/…`, `$retainKeys`, `$deleteFromPrimitiveList/…` only tune ordering and pruning.
    if (key.startsWith('$')) continue;
    const childNames = [...names, key];
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      const live = result[key];
      result[key] = strategicList(Array.isArray(live) ? live : [], value, childNames);
    } else if (isObject(value)) {
      const merged = strategicMergePatch(result[key], value, childNames);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw unprocessable(`add operation does not apply: doc is missing path: "${path}": missing value`);
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, parts: string[], path: string): { parent: unknown; last: string } {
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else current = undefined;
    if (current === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return { parent: current, last: parts[parts.length - 1] };
}

function getAt(doc: unknown, path: string): unknown {
  let current = doc;
  for (const part of pointer(path)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObject(current)) current = current[part];
    else current = undefined;
    if (current === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return current;
}

function arrayIndex(parent: unknown[], last: string, path: string, allowEnd: boolean): number {
  if (last === '-' && allowEnd) return parent.length;
  if (!/^\d+$/.test(last)) throw unprocessable(`doc is missing path: "${path}": missing value`);
  const index = Number(last);
  if (index > parent.length || (!allowEnd && index === parent.length)) {
    throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return index;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const parts = pointer(path);
  if (parts.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, clone(value));
  else if (isObject(parent)) parent[last] = clone(value);
  else throw unprocessable(`doc is missing path: "${path}": missing value`);
  return doc;
}

function removeAtPointer(doc: unknown, path: string): unknown {
  const parts = pointer(path);
  if (parts.length === 0) throw unprocessable('unable to remove the whole document');
  const { parent, last } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw unprocessable(`remove operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const raw of patch) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`invalid JSON patch operation: ${JSON.stringify(raw)}`);
    }
    const op = raw as unknown as JsonPatchOperation;
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, op.value);
        break;
      case 'remove':
        doc = removeAtPointer(doc, op.path);
        break;
      case 'replace':
        getAt(doc, op.path);
        doc = removeAtPointer(doc, op.path);
        doc = addAt(doc, op.path, op.value);
        break;
      case 'move': {
        if (typeof op.from !== 'string') throw badRequest('move operation requires "from"');
        const value = getAt(doc, op.from);
        doc = removeAtPointer(doc, op.from);
        doc = addAt(doc, op.path, value);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw badRequest('copy operation requires "from"');
        doc = addAt(doc, op.path, getAt(doc, op.from));
        break;
      }
      case 'test':
        if (!deepEqual(getAt(doc, op.path), op.value)) {
          throw unprocessable(`testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
