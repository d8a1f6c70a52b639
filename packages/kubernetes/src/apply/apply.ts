import { ValidationError } from '@eds/core';
import { isApiError, type KubeApiError } from '../connection/api-errors.js';
import { resourcePath, type Discovery, type ResourceInfo } from '../connection/discovery.js';
import type { KubeClient } from '../connection/kube-client.js';
import { describeObject, type Manifest } from './manifest.js';
import { sortForApply } from './order.js';
import { FIELD_MANAGER, withOwnership, type Ownership } from './ownership.js';

export interface ApplyOptions {
  namespace: string;
  owner: Ownership;
  /** Take fields owned by another manager (kubectl's `--force-conflicts`). Off unless the user asks. */
  forceConflicts?: boolean;
  /** Extra labels, e.g. the marker that an object came from rendered manifests and may be pruned. */
  labels?: Record<string, string>;
  fieldManager?: string;
}

export interface AppliedObject {
  info: ResourceInfo;
  object: Manifest;
}

/** Where an apply conflict came from: the fields and who owns them, as the server reports them. */
function conflictMessage(object: Manifest, error: KubeApiError): string {
  const causes = error.apiStatus?.details?.causes ?? [];
  const fields = causes.map((c) => `${c.field ?? '?'} (${c.message ?? c.reason ?? 'conflict'})`);
  return `server-side apply of ${describeObject(object)} conflicts with another field manager: ${
    fields.length ? fields.join('; ') : (error.apiStatus?.message ?? error.message)
  }. Another tool (kubectl, a controller, a person) owns these fields; re-run with --force-conflicts to take them over, or drop them from the manifest`;
}

/** Objects of the namespace only: EDS never writes into another namespace from one environment. */
function placeIn(object: Manifest, info: ResourceInfo, namespace: string): Manifest {
  if (!info.namespaced) {
    const { namespace: _ignored, ...metadata } = object.metadata;
    return { ...object, metadata: { ...metadata, name: object.metadata.name } };
  }
  if (object.metadata.namespace && object.metadata.namespace !== namespace) {
    throw new ValidationError(
      `${describeObject(object)} is in namespace ${object.metadata.namespace}, but this environment deploys to ${namespace}`,
      { code: 'NAMESPACE_MISMATCH', path: 'metadata.namespace', expected: namespace },
    );
  }
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** One object, server-side applied with field manager `eds`. */
export async function applyObject(
  client: KubeClient,
  info: ResourceInfo,
  object: Manifest,
  options: { forceConflicts?: boolean; fieldManager?: string },
): Promise<Manifest> {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = object.metadata;
  const body = { ...object, metadata };
  try {
    return await client.request<Manifest>(
      'PATCH',
      resourcePath(info, object.metadata.namespace, object.metadata.name),
      {
        body,
        contentType: 'application/apply-patch+yaml',
        query: {
          fieldManager: options.fieldManager ?? FIELD_MANAGER,
          force: options.forceConflicts === true,
        },
      },
    );
  } catch (error) {
    if (isApiError(error, 409)) {
      throw new ValidationError(conflictMessage(object, error), {
        code: 'APPLY_CONFLICT',
        expected: '--force-conflicts to take ownership of the fields',
        details: { object: describeObject(object), causes: error.apiStatus?.details?.causes ?? [] },
      });
    }
    throw error;
  }
}

/**
 * Server-side apply of rendered manifests in dependency order. Every kind is resolved through discovery first,
 * so an unknown kind stops the release before anything changed.
 */
export async function applyManifests(
  client: KubeClient,
  discovery: Discovery,
  manifests: readonly Manifest[],
  options: ApplyOptions,
): Promise<AppliedObject[]> {
  const resolved: AppliedObject[] = [];
  for (const manifest of sortForApply(manifests)) {
    const info = await discovery.resolve(manifest.apiVersion, manifest.kind);
    const owned = withOwnership(manifest, options.owner);
    const labelled = options.labels
      ? { ...owned, metadata: { ...owned.metadata, labels: { ...owned.metadata.labels, ...options.labels } } }
      : owned;
    resolved.push({ info, object: placeIn(labelled, info, options.namespace) });
  }
  const applied: AppliedObject[] = [];
  for (const { info, object } of resolved) {
    applied.push({ info, object: await applyObject(client, info, object, options) });
  }
  return applied;
}
