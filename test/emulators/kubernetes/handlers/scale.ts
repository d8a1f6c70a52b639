/** The `/scale` subresource of Deployments and ReplicaSets (autoscaling/v1 Scale), as `kubectl scale` uses it. */
import type { HandlerContext } from '../context.js';
import { STALE_OBJECT, badRequest, conflict } from '../errors.js';
import { parseBody } from '../http-util.js';
import type { KubeObject } from '../types.js';
import { field, isObject } from '../types.js';
import { updateObject } from '../write-pipeline.js';
import { applyPatchDocument } from './patch.js';
import type { ApiRequest, ApiResponse } from './request.js';
import { fieldManager, isDryRun } from './request.js';

function selectorString(object: KubeObject): string {
  const labels = field(object, 'spec', 'selector', 'matchLabels');
  return isObject(labels)
    ? Object.entries(labels)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',')
    : '';
}

export function toScale(object: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: field(object, 'spec', 'replicas') ?? 0 },
    status: { replicas: field(object, 'status', 'replicas') ?? 0, selector: selectorString(object) },
  };
}

export function handleScale(ctx: HandlerContext, request: ApiRequest, method: string): ApiResponse {
  const { rt, namespace, name } = request.target;
  const current = ctx.store.mustGet(rt, namespace, name ?? '');
  const scale = toScale(current);
  if (method === 'GET') return { status: 200, body: scale };
  const wanted =
    method === 'PUT'
      ? parseBody(request.body, request.contentType)
      : applyPatchDocument(rt, request.contentType, scale, request.body);
  const replicas = field(wanted, 'spec', 'replicas');
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw badRequest('Scale in version "v1" cannot be handled as a Scale: spec.replicas must be an integer');
  }
  const rv = field(wanted, 'metadata', 'resourceVersion');
  if (typeof rv === 'string' && rv !== '' && rv !== current.metadata.resourceVersion) {
    throw conflict({ group: rt.group, resource: rt.plural }, name ?? '', STALE_OBJECT);
  }
  const next: KubeObject = {
    ...current,
    spec: { ...(isObject(current.spec) ? current.spec : {}), replicas },
  };
  const updated = updateObject(ctx, rt, current, next, {
    manager: fieldManager(request),
    subresource: 'scale',
    dryRun: isDryRun(request.query),
  });
  return { status: 200, body: toScale(updated) };
}
