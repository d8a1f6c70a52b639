/** Turn a request body into an object of the addressed type, with the API server's 400s. */
import { badRequest } from '../errors.js';
import { parseBody } from '../http-util.js';
import type { ResourceType } from '../resources.js';
import { groupVersion } from '../resources.js';
import type { KubeObject } from '../types.js';
import { isObject, text } from '../types.js';
import { checkDecodable } from '../validation.js';

export function decodeObject(rt: ResourceType, raw: unknown, urlNamespace: string | undefined): KubeObject {
  if (!isObject(raw)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  const expected = groupVersion(rt);
  if (raw.apiVersion !== undefined && raw.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${text(raw.apiVersion, JSON.stringify(raw.apiVersion))}) does not match the expected API version (${expected})`,
    );
  }
  if (raw.kind !== undefined && raw.kind !== rt.kind) {
    throw badRequest(
      `the kind in the data (${text(raw.kind, JSON.stringify(raw.kind))}) does not match the expected kind (${rt.kind})`,
    );
  }
  checkDecodable(rt, raw);
  // Server-owned metadata (uid, resourceVersion, creationTimestamp) is filled in by the store.
  const metadata = { ...(isObject(raw.metadata) ? raw.metadata : {}) } as unknown as KubeObject['metadata'];
  const object: KubeObject = { ...raw, apiVersion: expected, kind: rt.kind, metadata };
  if (typeof object.metadata.name !== 'string') object.metadata.name = '';
  if (rt.namespaced) {
    const bodyNamespace = object.metadata.namespace;
    if (bodyNamespace && urlNamespace && bodyNamespace !== urlNamespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    object.metadata.namespace = urlNamespace ?? bodyNamespace;
  }
  return object;
}

export function decodeBody(
  rt: ResourceType,
  body: Buffer,
  contentType: string,
  urlNamespace: string | undefined,
): KubeObject {
  return decodeObject(rt, parseBody(body, contentType), urlNamespace);
}
