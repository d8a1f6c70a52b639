/**
 * Server-side apply (PATCH with `application/apply-patch+yaml`): merge the applied configuration into
 * the live object, remove fields this manager applied before and no longer applies (unless someone
 * else owns them), and refuse — 409 Conflict naming the other manager and field — to change a field
 * another manager owns, unless `force=true`, which takes the field over.
 */
import { ApiError } from './errors.js';
import type { FieldPath } from './field-paths.js';
import {
  FieldSet,
  elementKey,
  fieldsOf,
  listTypeOf,
  pathToString,
  removeAt,
  valueAt,
} from './field-paths.js';
import type { OwnedFields } from './managed-fields.js';
import { decodeManagedFields, encodeManagedFields, pruneMissing, sameOwner } from './managed-fields.js';
import type { JsonObject, KubeObject } from './types.js';
import { clone, deepEqual, isObject, now } from './types.js';

function mergeApplied(live: unknown, applied: unknown, names: string[]): unknown {
  if (isObject(applied)) {
    const result: JsonObject = isObject(live) ? clone(live) : {};
    for (const [key, value] of Object.entries(applied)) {
      if (value === null) delete result[key];
      else result[key] = mergeApplied(result[key], value, [...names, key]);
    }
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const type = listTypeOf(names);
    if (type === 'atomic') return clone(applied);
    if (type === 'set') {
      const result = clone(live);
      for (const item of applied)
        if (!result.some((existing) => deepEqual(existing, item))) result.push(clone(item));
      return result;
    }
    const result = clone(live);
    for (const item of applied) {
      const key = elementKey(item, type.keys);
      const index = result.findIndex((existing) => deepEqual(elementKey(existing, type.keys), key));
      if (index >= 0) result[index] = mergeApplied(result[index], item, names);
      else result.push(clone(item));
    }
    return result;
  }
  return clone(applied);
}

/** `"eds"`, or `"kubectl" with subresource "scale" using apps/v1`, as apiserver's printManager writes it. */
function describeManager(owner: OwnedFields): string {
  let text = JSON.stringify(owner.manager);
  if (owner.subresource) text += ` with subresource ${JSON.stringify(owner.subresource)}`;
  if (owner.operation === 'Update') text += ` using ${owner.apiVersion}`;
  return text;
}

interface ApplyConflict {
  owner: OwnedFields;
  path: FieldPath;
}

function conflictError(conflicts: ApplyConflict[]): ApiError {
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0].owner)}: ${pathToString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = describeManager(c.owner);
      byManager.set(name, [...(byManager.get(name) ?? []), pathToString(c.path)]);
    }
    const lines: string[] = [];
    for (const name of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${name}:`);
      for (const path of byManager.get(name) ?? []) lines.push(`- ${path}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${describeManager(c.owner)}`,
      field: pathToString(c.path),
    })),
  });
}

export interface ApplyRequest {
  /** The live object, or undefined when apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (already checked for apiVersion/kind/name). */
  applied: KubeObject;
  manager: string;
  force: boolean;
  /** Fills server defaults into the merged object, so equal-after-defaulting values do not conflict. */
  finish: (merged: KubeObject) => void;
}

/** The object to store, with `metadata.managedFields` already computed. */
export function serverSideApply(request: ApplyRequest): KubeObject {
  const { live, applied, manager, force, finish } = request;
  const appliedFields = fieldsOf(applied, 'main');
  const owners = decodeManagedFields(live?.metadata.managedFields);
  const mine = owners.find((owner) => sameOwner(owner, manager, 'Apply', undefined));
  const others = owners.filter((owner) => owner !== mine);

  const base: JsonObject = live
    ? clone(live)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const appliedWithoutStatus: JsonObject = { ...applied };
  delete appliedWithoutStatus.status;
  const merged = mergeApplied(base, appliedWithoutStatus, []) as KubeObject;
  if (live)
    merged.metadata = { ...merged.metadata, name: live.metadata.name, namespace: live.metadata.namespace };

  // Fields this manager stops applying disappear, unless another manager still owns them.
  if (mine) {
    // A path stays while it, or anything inside it, is still applied by this manager or owned by
    // another (a shared list element, a map that now has entries).
    const stillOwned = [...appliedFields.toArray(), ...others.flatMap((owner) => owner.fields.toArray())].map(
      (path) => JSON.stringify(path),
    );
    const kept = (path: FieldPath): boolean => {
      const prefix = JSON.stringify(path).slice(0, -1);
      return stillOwned.some((owned) => owned === `${prefix}]` || owned.startsWith(`${prefix},`));
    };
    const dropped = mine.fields
      .toArray()
      .filter((path) => !kept(path))
      // Shallowest first: a list element goes while its key fields still identify it.
      .sort((a, b) => a.length - b.length);
    for (const path of dropped) removeAt(merged, path);
  }
  finish(merged);

  if (live) {
    const conflicts: ApplyConflict[] = [];
    for (const path of appliedFields.toArray()) {
      if (path[path.length - 1].startsWith('k:')) continue;
      if (deepEqual(valueAt(live, path), valueAt(merged, path))) continue;
      for (const owner of others) if (owner.fields.has(path)) conflicts.push({ owner, path });
    }
    if (conflicts.length > 0 && !force) throw conflictError(conflicts);
    for (const { owner, path } of conflicts) owner.fields.delete(path);
  }

  const entry: OwnedFields = {
    manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion,
    time: now(),
    fields: new FieldSet(appliedFields.toArray()),
  };
  const nextOwners = [...others];
  const index = mine ? owners.indexOf(mine) : -1;
  if (index >= 0) nextOwners.splice(Math.min(index, nextOwners.length), 0, entry);
  else nextOwners.push(entry);
  pruneMissing(nextOwners, merged);
  merged.metadata.managedFields = encodeManagedFields(nextOwners);
  if (!merged.metadata.managedFields) delete merged.metadata.managedFields;
  return merged;
}
