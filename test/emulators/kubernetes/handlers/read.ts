/** GET of one object and LIST of a collection (label/field selectors, limit/continue, Table output). */
import { badRequest, expired } from '../errors.js';
import type { HandlerContext } from '../context.js';
import { wantsTable } from '../http-util.js';
import type { ResourceType } from '../resources.js';
import { groupVersion } from '../resources.js';
import type { FieldRequirement, LabelSelector } from '../selectors.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../selectors.js';
import { toTable } from '../table.js';
import type { JsonObject, KubeObject } from '../types.js';
import type { ApiRequest, ApiResponse } from './request.js';

export interface Filter {
  labels: LabelSelector;
  fields: FieldRequirement[];
  namespace?: string;
}

export function parseFilter(request: ApiRequest): Filter {
  const { rt, namespace, name } = request.target;
  const fields = parseFieldSelector(request.query.get('fieldSelector') ?? '', rt.kind);
  // A watch on one object (GET …/NAME?watch=1, the old form) is a fieldSelector on metadata.name.
  if (name) fields.push({ field: 'metadata.name', operator: '=', value: name });
  return { labels: parseLabelSelector(request.query.get('labelSelector') ?? ''), fields, namespace };
}

export function matchesFilter(filter: Filter, object: KubeObject): boolean {
  if (filter.namespace !== undefined && object.metadata.namespace !== filter.namespace) return false;
  return matchesLabels(filter.labels, object.metadata.labels) && matchesFields(filter.fields, object);
}

/** Items of typed lists come without kind/apiVersion, as the API server serialises them. */
export function listItem(rt: ResourceType, object: KubeObject): JsonObject {
  if (rt.custom) return object;
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

export function handleGet(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace, name } = request.target;
  const object = ctx.store.mustGet(rt, namespace, name ?? '');
  if (wantsTable(request.headers.accept)) {
    return {
      status: 200,
      body: toTable(
        [object],
        rt.kind,
        object.metadata.resourceVersion,
        request.query.get('includeObject') ?? 'Metadata',
      ),
    };
  }
  return { status: 200, body: object };
}

interface ContinueToken {
  rv: string;
  after: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof parsed.rv === 'string' && typeof parsed.after === 'string')
      return { rv: parsed.rv, after: parsed.after };
  } catch {
    // fall through
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

export function handleList(ctx: HandlerContext, request: ApiRequest): ApiResponse {
  const { rt, namespace } = request.target;
  const filter = parseFilter(request);
  let items = ctx.store.list(rt, namespace).filter((object) => matchesFilter(filter, object));
  const resourceVersion = ctx.store.resourceVersion();
  const continueText = request.query.get('continue');
  let listRv = resourceVersion;
  if (continueText) {
    const token = decodeContinue(continueText);
    const oldest = ctx.store.hub.oldestRetained();
    if (oldest !== undefined && Number(token.rv) < oldest - 1) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    listRv = token.rv;
    items = items.filter(
      (object) => `${object.metadata.namespace ?? ''}/${object.metadata.name}` > token.after,
    );
  }
  const limitText = request.query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  let continueToken: string | undefined;
  let remaining: number | undefined;
  if (limit > 0 && items.length > limit) {
    remaining = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    continueToken = encodeContinue({
      rv: listRv,
      after: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
    });
  }
  if (wantsTable(request.headers.accept)) {
    return {
      status: 200,
      body: toTable(
        items,
        rt.kind,
        listRv,
        request.query.get('includeObject') ?? 'Metadata',
        true,
        continueToken,
      ),
    };
  }
  const metadata: JsonObject = { resourceVersion: listRv };
  if (continueToken) {
    metadata.continue = continueToken;
    metadata.remainingItemCount = remaining;
  }
  return {
    status: 200,
    body: {
      kind: `${rt.kind}List`,
      apiVersion: groupVersion(rt),
      metadata,
      items: items.map((o) => listItem(rt, o)),
    },
  };
}
