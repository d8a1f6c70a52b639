/**
 * `metadata.managedFields`: who owns which field. Updates (POST/PUT/patches, controllers) take ownership
 * of the fields they change and take it away from everyone else; fields that disappear are owned by
 * no one. Server-side apply (apply.ts) reads the same entries to find conflicts.
 */
import { FieldSet, changedFields, valueAt } from './field-paths.js';
import type { JsonObject, KubeObject, ManagedFieldsEntry } from './types.js';
import { now } from './types.js';

export interface OwnedFields {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  fields: FieldSet;
}

export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): OwnedFields[] {
  return (entries ?? []).map((entry) => ({
    manager: entry.manager,
    operation: entry.operation,
    subresource: entry.subresource,
    apiVersion: entry.apiVersion,
    time: entry.time,
    fields: FieldSet.fromFieldsV1(entry.fieldsV1),
  }));
}

export function encodeManagedFields(owners: OwnedFields[]): ManagedFieldsEntry[] | undefined {
  const entries = owners
    .filter((owner) => owner.fields.size > 0)
    .map((owner) => {
      const entry: ManagedFieldsEntry = {
        manager: owner.manager,
        operation: owner.operation,
        apiVersion: owner.apiVersion,
        time: owner.time,
        fieldsType: 'FieldsV1',
        fieldsV1: owner.fields.toFieldsV1(),
      };
      if (owner.subresource) entry.subresource = owner.subresource;
      return entry;
    });
  return entries.length > 0 ? entries : undefined;
}

export function sameOwner(
  owner: OwnedFields,
  manager: string,
  operation: 'Apply' | 'Update',
  subresource: string | undefined,
): boolean {
  return (
    owner.manager === manager &&
    owner.operation === operation &&
    (owner.subresource ?? '') === (subresource ?? '')
  );
}

/** Drop paths that no longer exist in `object`. */
export function pruneMissing(owners: OwnedFields[], object: JsonObject): void {
  for (const owner of owners)
    owner.fields = owner.fields.filter((path) => valueAt(object, path) !== undefined);
}

/**
 * Record an Update by `manager` that turned `previous` into `next`, writing `next.metadata.managedFields`.
 * `subresource` is `status` for status writes (only status fields change hands) or `scale`.
 */
export function recordUpdate(
  previous: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  subresource: string | undefined,
): void {
  const scope = subresource === 'status' ? 'status' : 'main';
  const owners = decodeManagedFields(previous?.metadata.managedFields ?? next.metadata.managedFields);
  const changed = changedFields(previous, next, scope);
  for (const owner of owners) owner.fields = owner.fields.filter((path) => !changed.has(path));
  pruneMissing(owners, next);
  if (changed.size > 0) {
    let mine = owners.find((owner) => sameOwner(owner, manager, 'Update', subresource));
    if (!mine) {
      mine = {
        manager,
        operation: 'Update',
        subresource,
        apiVersion: next.apiVersion,
        time: now(),
        fields: new FieldSet(),
      };
      owners.push(mine);
    }
    for (const path of changed.toArray()) mine.fields.add(path);
    mine.time = now();
    mine.apiVersion = next.apiVersion;
  }
  const encoded = encodeManagedFields(owners);
  if (encoded) next.metadata.managedFields = encoded;
  else delete next.metadata.managedFields;
}
