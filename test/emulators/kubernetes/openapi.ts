/**
 * Just enough OpenAPI v3 for kubectl: its `--validate=strict` default first checks (per GroupVersion
 * document) that the PATCH/POST/PUT operations for a kind accept the `fieldValidation` query
 * parameter, and then leaves validation to the server instead of downloading schemas.
 * The documents carry paths and operations, not schemas.
 */
import { createHash } from 'node:crypto';
import type { ResourceType } from './resources.js';
import { RESOURCE_TYPES } from './resources.js';
import type { JsonObject } from './types.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const rt of RESOURCE_TYPES)
    seen.set(gvPath(rt.group, rt.version), { group: rt.group, version: rt.version });
  return [...seen.values()];
}

function operation(rt: ResourceType, action: string, withFieldValidation: boolean): JsonObject {
  const parameters: JsonObject[] = [
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
  ];
  if (withFieldValidation)
    parameters.push({ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } });
  if (action === 'patch')
    parameters.push({ name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } });
  return {
    operationId: `${action}${rt.kind}`,
    parameters,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
  };
}

export function openApiDocument(group: string, version: string): JsonObject | undefined {
  const types = RESOURCE_TYPES.filter((rt) => rt.group === group && rt.version === version);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const rt of types) {
    const base = `/${gvPath(group, version)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
    paths[base] = { post: operation(rt, 'post', true) };
    paths[`${base}/{name}`] = { put: operation(rt, 'put', true), patch: operation(rt, 'patch', true) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.30.0' },
    paths,
    components: { schemas: {} },
  };
}

/** `/openapi/v3`: where each GroupVersion document lives (the hash lets clients cache it). */
export function openApiRoot(): JsonObject {
  const paths: JsonObject = {};
  for (const { group, version } of groupVersions()) {
    const body = JSON.stringify(openApiDocument(group, version));
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase();
    paths[gvPath(group, version)] = {
      serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}

export function openApiFor(path: string): JsonObject | undefined {
  const match = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!match) return undefined;
  return match[1] ? openApiDocument('', match[1]) : openApiDocument(match[2], match[3]);
}
