/**
 * The steps every write goes through, whichever verb or patch type produced the new object:
 * namespace must exist, defaults, validation (422), status-subresource split, then the store.
 */
import type { HandlerContext } from './context.js';
import { prepareJobForCreate, applyDefaults } from './defaults.js';
import { ApiError, invalid, notFound } from './errors.js';
import type { ResourceType } from './resources.js';
import { mustFindByKind, qualifiedKind } from './resources.js';
import type { WriteOptions } from './store.js';
import type { KubeObject } from './types.js';
import { clone } from './types.js';
import { validate } from './validation.js';
import { randomUUID } from 'node:crypto';

const NAMESPACE = mustFindByKind('v1', 'Namespace');

export function requireNamespace(
  ctx: HandlerContext,
  rt: ResourceType,
  namespace: string | undefined,
  name: string,
): void {
  if (!rt.namespaced) return;
  const found = namespace ? ctx.store.get(NAMESPACE, undefined, namespace) : undefined;
  if (!found) throw notFound({ group: '', resource: 'namespaces' }, namespace ?? '');
  if (found.metadata.deletionTimestamp) {
    throw new ApiError(
      403,
      'Forbidden',
      `${rt.plural}${rt.group ? `.${rt.group}` : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      {
        group: rt.group || undefined,
        kind: rt.plural,
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      },
    );
  }
}

function admit(ctx: HandlerContext, rt: ResourceType, object: KubeObject, previous?: KubeObject): void {
  applyDefaults(rt, object, ctx.defaulting);
  const errors = validate(rt, object, previous);
  if (errors.length > 0) {
    throw invalid(qualifiedKind(rt), { group: rt.group, resource: rt.plural }, object.metadata.name, errors);
  }
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return out;
}

export function createObject(
  ctx: HandlerContext,
  rt: ResourceType,
  input: KubeObject,
  options: WriteOptions & { skipDefaults?: boolean } = {},
): KubeObject {
  const object = clone(input);
  if (!object.metadata.name && object.metadata.generateName) {
    object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
  }
  requireNamespace(ctx, rt, object.metadata.namespace, object.metadata.name);
  const uid = randomUUID();
  if (rt.kind === 'Job') prepareJobForCreate(object, uid);
  if (rt.kind === 'Namespace') delete object.status;
  // Status is not settable on create for kinds with a status subresource (except Pods keep theirs empty too).
  if (rt.subresources.includes('status')) delete object.status;
  admit(ctx, rt, object);
  return ctx.store.create(rt, object, { ...options, uid });
}

/**
 * Store `next` in place of `current`. Through the main resource, status stays as stored; through
 * `/status`, only status changes.
 */
export function updateObject(
  ctx: HandlerContext,
  rt: ResourceType,
  current: KubeObject,
  next: KubeObject,
  options: WriteOptions = {},
): KubeObject {
  let object: KubeObject;
  if (options.subresource === 'status') {
    object = clone(current);
    object.status = clone(next.status);
    object.metadata.resourceVersion = next.metadata.resourceVersion;
    if (next.metadata.uid) object.metadata.uid = next.metadata.uid;
  } else {
    object = clone(next);
    if (rt.subresources.includes('status')) {
      if (current.status === undefined) delete object.status;
      else object.status = clone(current.status);
    }
    object.metadata.namespace = current.metadata.namespace;
    admit(ctx, rt, object, current);
  }
  const stored = ctx.store.update(rt, object, options);
  // An object being deleted goes away once its last finalizer is removed.
  if (
    stored.metadata.deletionTimestamp &&
    (stored.metadata.finalizers ?? []).length === 0 &&
    !options.dryRun
  ) {
    return ctx.store.delete(rt, stored.metadata.namespace, stored.metadata.name);
  }
  return stored;
}
