import type { ManifestDocument } from '../manifests/document.js';
import { isObject, objectAt, stringAt, stringRecordAt } from '../manifests/objects.js';
import { podSpecOf } from '../manifests/pod-specs.js';
import type { ManifestIndex } from '../rules/types.js';

/** Cross-document facts, computed once per check so relational rules stay O(1) per document. */
export function indexManifests(docs: readonly ManifestDocument[]): ManifestIndex {
  const podTemplates: { namespace: string | undefined; labels: Record<string, string> }[] = [];
  const serviceAccountsWithoutAutomount = new Set<string>();
  for (const doc of docs) {
    if (!isObject(doc.object)) continue;
    const namespace = stringAt(objectAt(doc.object, 'metadata'), 'namespace');
    const pod = podSpecOf(doc);
    if (pod) podTemplates.push({ namespace, labels: stringRecordAt(pod.metadata, 'labels') });
    if (doc.object.kind === 'ServiceAccount' && doc.object.automountServiceAccountToken === false) {
      const name = stringAt(objectAt(doc.object, 'metadata'), 'name') ?? '';
      serviceAccountsWithoutAutomount.add(`${namespace ?? ''}/${name}`);
    }
  }
  return { podTemplates, serviceAccountsWithoutAutomount };
}
