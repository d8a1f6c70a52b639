import type { ManifestDocument } from '../manifests/document.js';
import { isObject, objectAt, stringAt, stringRecordAt } from '../manifests/objects.js';
import { podSpecOf } from '../manifests/pod-specs.js';
import type { ManifestIndex } from '../rules/types.js';

/** Cross-document facts, computed once per check so relational rules do not rescan every document. */
export function indexManifests(docs: readonly ManifestDocument[]): ManifestIndex {
  const podTemplatesByLabel = new Map<string, Map<string, Record<string, string>[]>>();
  const serviceAccountsWithoutAutomount = new Set<string>();
  for (const doc of docs) {
    if (!isObject(doc.object)) continue;
    const namespace = stringAt(objectAt(doc.object, 'metadata'), 'namespace');
    const pod = podSpecOf(doc);
    if (pod) {
      const labels = stringRecordAt(pod.metadata, 'labels');
      let byLabel = podTemplatesByLabel.get(namespace ?? '');
      if (!byLabel)
        podTemplatesByLabel.set(namespace ?? '', (byLabel = new Map<string, Record<string, string>[]>()));
      for (const [key, value] of Object.entries(labels)) {
        const label = `${key}=${value}`;
        const list = byLabel.get(label);
        if (list) list.push(labels);
        else byLabel.set(label, [labels]);
      }
    }
    if (doc.object.kind === 'ServiceAccount' && doc.object.automountServiceAccountToken === false) {
      const name = stringAt(objectAt(doc.object, 'metadata'), 'name') ?? '';
      serviceAccountsWithoutAutomount.add(`${namespace ?? ''}/${name}`);
    }
  }
  return { podTemplatesByLabel, serviceAccountsWithoutAutomount };
}
