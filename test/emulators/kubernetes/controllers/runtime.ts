/** What every controller gets: the handler context, a manager name for writes, and a way to be woken later. */
import type { EventEmitter } from 'node:events';
import type { HandlerContext } from '../context.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { isObject } from '../types.js';

export interface ControllerContext extends HandlerContext {
  events: EventEmitter;
  /** Run another reconcile pass after `ms` (state changes with time: readiness, deadlines, crashes). */
  requeueAfter(ms: number): void;
  /** Milliseconds since the epoch (one place to read the clock). */
  nowMs(): number;
}

export const CONTROLLER_MANAGER = 'kube-controller-manager';

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.uid === owner.metadata.uid,
  );
}

export function controllerRef(
  owner: KubeObject,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Write `status` through the status subresource if it differs (no write, no event otherwise). */
export function writeStatus(
  ctx: ControllerContext,
  rt: ResourceType,
  object: KubeObject,
  status: Record<string, unknown>,
  manager = CONTROLLER_MANAGER,
): KubeObject {
  const next: KubeObject = { ...object, status };
  return ctx.store.update(
    rt,
    { ...next, metadata: { ...object.metadata, resourceVersion: '' } },
    { manager, subresource: 'status' },
  );
}

/** Drop zero and empty values, as Go's `omitempty` does in the API's status structs. */
export function omitEmpty(status: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === 0 || value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (isObject(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out;
}

export function isoAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
