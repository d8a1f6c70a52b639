/** POST (create), PUT (replace), DELETE and DELETE of a collection. */
import type { HandlerContext } from '../context.js';
import { ApiError, badRequest, conflict, methodNotAllowed } from '../errors.js';
import { parseBody } from '../http-util.js';
import type { ResourceType } from '../resources.js';
import { RESOURCE_TYPES, groupVersion } from '../resources.js';
import type { JsonObject, KubeObject } from '../types.js';
import { isObject, now } from '../types.js';
import { checkFieldValidation } from '../known-fields.js';
import { createObject, updateObject } from '../write-pipeline.js';
import { decodeBody } from './decode.js';
import { listItem, matchesFilter, parseFilter } from './read.js';
import type { ApiRequest, ApiResponse } from './request.js';
import { fieldManager, isDryRun } from './request.js';

export function handleCreate(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace, name } = request.target;
  if (name) throw methodNotAllowed();
  if (rt.namespaced && !namespace)
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  const object = decodeBody(rt, request.body, request.contentType, namespace);
  const warnings = checkFieldValidation(rt, object, request.query.get('fieldValidation'));
  const created = createObject(ctx, rt, object, {
    manager: fieldManager(request),
    dryRun: isDryRun(request.query),
  });
  return { status: 201, body: created, warnings };
}

export function handleUpdate(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace, name, subresource } = request.target;
  if (!name) throw methodNotAllowed();
  const object = decodeBody(rt, request.body, request.contentType, namespace);
  if (object.metadata.name && object.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  object.metadata.name = name;
  const warnings = subresource ? [] : checkFieldValidation(rt, object, request.query.get('fieldValidation'));
  const current = ctx.store.mustGet(rt, namespace, name);
  const updated = updateObject(ctx, rt, current, object, {
    manager: fieldManager(request),
    subresource,
    dryRun: isDryRun(request.query),
  });
  return { status: 200, body: updated, warnings };
}

interface DeleteOptions {
  propagationPolicy: 'Orphan' | 'Background' | 'Foreground';
  uid?: string;
  resourceVersion?: string;
  dryRun: boolean;
}

function readDeleteOptions(rt: ResourceType, request: ApiRequest): DeleteOptions {
  const raw =
    request.body.length > 0 ? parseBody(request.body, request.contentType || 'application/json') : {};
  const body = isObject(raw) ? raw : {};
  const policy =
    request.query.get('propagationPolicy') ??
    body.propagationPolicy ??
    (body.orphanDependents === true ? 'Orphan' : undefined);
  // batch/v1 Jobs orphan their pods unless told otherwise; everything else cascades in the background.
  const propagationPolicy = (policy ??
    (rt.kind === 'Job' ? 'Orphan' : 'Background')) as DeleteOptions['propagationPolicy'];
  if (!['Orphan', 'Background', 'Foreground'].includes(propagationPolicy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const preconditions = isObject(body.preconditions) ? body.preconditions : {};
  const dryRunBody = Array.isArray(body.dryRun) && body.dryRun.includes('All');
  return {
    propagationPolicy,
    uid: typeof preconditions.uid === 'string' ? preconditions.uid : undefined,
    resourceVersion:
      typeof preconditions.resourceVersion === 'string' ? preconditions.resourceVersion : undefined,
    dryRun: isDryRun(request.query) || dryRunBody,
  };
}

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/** Remove ownerReferences to `uid` everywhere (propagationPolicy=Orphan). */
function orphanDependents(ctx: HandlerContext, uid: string): void {
  for (const rt of RESOURCE_TYPES) {
    for (const object of ctx.store.list(rt)) {
      const refs = object.metadata.ownerReferences ?? [];
      if (!refs.some((ref) => ref.uid === uid)) continue;
      object.metadata.ownerReferences = refs.filter((ref) => ref.uid !== uid);
      if (object.metadata.ownerReferences.length === 0) delete object.metadata.ownerReferences;
      ctx.store.update(rt, object, { manager: 'kube-controller-manager' });
    }
  }
}

/** Delete one object; returns what the DELETE answers (the object, or a Success Status). */
export function deleteOne(
  ctx: HandlerContext,
  rt: ResourceType,
  current: KubeObject,
  options: DeleteOptions,
): unknown {
  const gr = { group: rt.group, resource: rt.plural };
  const { name, namespace } = current.metadata;
  if (options.uid && options.uid !== current.metadata.uid) {
    throw conflict(
      gr,
      name,
      `Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (options.resourceVersion && options.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${options.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
  if (rt.kind === 'Namespace') {
    if (PROTECTED_NAMESPACES.has(name)) {
      throw new ApiError(
        403,
        'Forbidden',
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        { name, kind: 'namespaces' },
      );
    }
    if (options.dryRun) return current;
    if (current.metadata.deletionTimestamp) return current;
    // The namespace controller empties it and then removes it (controllers/namespace.ts).
    const terminating: KubeObject = {
      ...current,
      metadata: { ...current.metadata, deletionTimestamp: now() },
      status: { phase: 'Terminating' },
    };
    return ctx.store.update(rt, terminating, {});
  }
  if ((current.metadata.finalizers ?? []).length > 0) {
    if (options.dryRun || current.metadata.deletionTimestamp) return current;
    return ctx.store.update(
      rt,
      { ...current, metadata: { ...current.metadata, deletionTimestamp: now() } },
      {},
    );
  }
  if (options.dryRun) return current;
  if (options.propagationPolicy === 'Orphan') orphanDependents(ctx, current.metadata.uid);
  const deleted = ctx.store.delete(rt, namespace, name);
  if (rt.kind === 'Pod') {
    return {
      ...deleted,
      metadata: { ...deleted.metadata, deletionTimestamp: now(), deletionGracePeriodSeconds: 0 },
    };
  }
  const details: JsonObject = { name, kind: rt.plural, uid: current.metadata.uid };
  if (rt.group) details.group = rt.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export function handleDelete(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace, name } = request.target;
  if (!name) return handleDeleteCollection(ctx, request);
  const current = ctx.store.mustGet(rt, namespace, name);
  return { status: 200, body: deleteOne(ctx, rt, current, readDeleteOptions(rt, request)) };
}

function handleDeleteCollection(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace } = request.target;
  if (!rt.verbs.includes('deletecollection')) throw methodNotAllowed();
  const filter = parseFilter(request);
  const options = readDeleteOptions(rt, request);
  const deleted: JsonObject[] = [];
  for (const object of ctx.store.list(rt, namespace)) {
    if (!matchesFilter(filter, object)) continue;
    deleteOne(ctx, rt, object, options);
    deleted.push(listItem(rt, object));
  }
  return {
    status: 200,
    body: {
      kind: `${rt.kind}List`,
      apiVersion: groupVersion(rt),
      metadata: { resourceVersion: ctx.store.resourceVersion() },
      items: deleted,
    },
  };
}
