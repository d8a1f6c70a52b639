import type { ResourceRef } from '../types.js';
import type { ManifestDocument } from './document.js';
import { objectAt, stringAt } from './objects.js';

/** The identity of a document's object; callers only pass Kubernetes-shaped documents. */
export function resourceOf(doc: ManifestDocument): ResourceRef {
  const metadata = objectAt(doc.object, 'metadata');
  const ref: ResourceRef = {
    apiVersion: stringAt(doc.object, 'apiVersion') ?? '',
    kind: stringAt(doc.object, 'kind') ?? '',
    // generateName objects have no name until created; show the prefix so the finding is still findable.
    name: stringAt(metadata, 'name') ?? stringAt(metadata, 'generateName') ?? '(unnamed)',
  };
  const namespace = stringAt(metadata, 'namespace');
  if (namespace !== undefined) ref.namespace = namespace;
  return ref;
}

/** `Kind/namespace/name`, or `Kind/name` when the namespace is not set: stable across runs, used as a key. */
export function describeResource(ref: Pick<ResourceRef, 'kind' | 'name' | 'namespace'>): string {
  return ref.namespace !== undefined ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
