/** PATCH: JSON patch, merge patch, strategic merge patch, and server-side apply. */
import { serverSideApply } from '../apply.js';
import type { HandlerContext } from '../context.js';
import { applyDefaults } from '../defaults.js';
import { ApiError, badRequest, methodNotAllowed, unsupportedMediaType } from '../errors.js';
import { parseBody } from '../http-util.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../patch.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { isObject } from '../types.js';
import { checkApplyFields, checkFieldValidation } from '../known-fields.js';
import { createObject, requireNamespace, updateObject } from '../write-pipeline.js';
import { decodeObject } from './decode.js';
import type { ApiRequest, ApiResponse } from './request.js';
import { fieldManager, isDryRun } from './request.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** Apply a classic (non-apply) patch document to a JSON value. */
export function applyPatchDocument(
  rt: ResourceType,
  contentType: string,
  target: unknown,
  body: Buffer,
): unknown {
  const patch = parseBody(body, 'application/json');
  switch (contentType) {
    case 'application/json-patch+json':
      return jsonPatch(target, patch);
    case 'application/merge-patch+json':
      if (!isObject(patch))
        throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      return mergePatch(target, patch);
    case 'application/strategic-merge-patch+json':
      if (rt.custom) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'strategic merge patch is not supported for custom resources; use merge patch (--type merge) or JSON patch instead',
          {},
        );
      }
      if (!isObject(patch))
        throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      return strategicMergePatch(target, patch);
    default:
      throw unsupportedMediaType(contentType);
  }
}

function handleApply(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace, name, subresource } = request.target;
  const manager = request.query.get('fieldManager');
  if (!manager) throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const force = ['true', '1'].includes(request.query.get('force') ?? '');
  const dryRun = isDryRun(request.query);
  const raw = parseBody(request.body, 'application/yaml');
  if (!isObject(raw)) throw badRequest('error decoding YAML: the applied configuration is not an object');
  if (
    typeof raw.apiVersion !== 'string' ||
    typeof raw.kind !== 'string' ||
    raw.apiVersion === '' ||
    raw.kind === ''
  ) {
    throw badRequest(
      `invalid object type: ${typeof raw.apiVersion === 'string' ? raw.apiVersion : ''}, Kind=${typeof raw.kind === 'string' ? raw.kind : ''}`,
    );
  }
  const applied = decodeObject(rt, raw, namespace);
  if (applied.metadata.name && applied.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (Array.isArray(applied.metadata.managedFields) && applied.metadata.managedFields.length > 0) {
    throw badRequest('metadata.managedFields must be nil');
  }
  applied.metadata.name = name ?? '';
  if (subresource !== 'status') checkApplyFields(rt, raw, name ?? '', namespace);
  const live = ctx.store.get(rt, namespace, name ?? '');

  if (subresource === 'status') {
    // Apply to /status: merge the applied status; ownership is recorded as an Update on status.
    const target = live ?? ctx.store.mustGet(rt, namespace, name ?? '');
    const next: KubeObject = { ...target, status: mergePatch(target.status, applied.status ?? {}) };
    return { status: 200, body: updateObject(ctx, rt, target, next, { manager, subresource, dryRun }) };
  }

  if (!live) requireNamespace(ctx, rt, namespace, name ?? '');
  const merged = serverSideApply({
    live,
    applied,
    manager,
    force,
    finish: (object) => applyDefaults(rt, object, ctx.defaulting),
  });
  if (!live) {
    const created = createObject(ctx, rt, merged, { managedFieldsSet: true, dryRun });
    return { status: 201, body: created };
  }
  return { status: 200, body: updateObject(ctx, rt, live, merged, { managedFieldsSet: true, dryRun }) };
}

export function handlePatch(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace, name, subresource } = request.target;
  if (!name) throw methodNotAllowed();
  if (!PATCH_TYPES.includes(request.contentType)) throw unsupportedMediaType(request.contentType);
  if (request.contentType === 'application/apply-patch+yaml') return handleApply(ctx, request);
  const current = ctx.store.mustGet(rt, namespace, name);
  const patched = applyPatchDocument(rt, request.contentType, current, request.body);
  if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch removed metadata');
  const next = decodeObject(rt, patched, namespace);
  const warnings = subresource ? [] : checkFieldValidation(rt, next, request.query.get('fieldValidation'));
  if (next.metadata.name !== name) {
    throw new ApiError(
      422,
      'Invalid',
      `${rt.kind} "${name}" is invalid: metadata.name: Invalid value: "${next.metadata.name}": field is immutable`,
      {},
    );
  }
  const updated = updateObject(ctx, rt, current, next, {
    manager: fieldManager(request),
    subresource,
    dryRun: isDryRun(request.query),
  });
  return { status: 200, body: updated, warnings };
}
