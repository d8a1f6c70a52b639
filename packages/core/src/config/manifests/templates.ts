import path from 'node:path';
import { ValidationError } from '../../errors/index.js';
import { isPlainMap, setOwn } from '../canonical.js';
import { interpolateTree, lookupPath, type Scope } from '../interpolation/evaluate.js';
import { listTemplateFiles, readYamlStream } from '../source-file.js';
import type { K8sObject } from './generate.js';
import { LABEL } from './labels.js';

/** Kinds whose pods come from `spec.template` (labels are added there too, never to selectors). */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds that live outside namespaces: a namespace is never added to them. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

export interface TemplateObject {
  object: K8sObject;
  file: string;
}

/** Read every template file of the directory (sorted by name) and interpolate it. */
export async function loadTemplates(dir: string, scope: Scope): Promise<TemplateObject[]> {
  const out: TemplateObject[] = [];
  for (const file of await listTemplateFiles(dir)) {
    for (const doc of await readYamlStream(file)) {
      const object = interpolateTree(doc.value, scope, doc.source);
      const meta = isPlainMap(object) ? object.metadata : undefined;
      if (
        !isPlainMap(object) ||
        typeof object.apiVersion !== 'string' ||
        typeof object.kind !== 'string' ||
        !isPlainMap(meta) ||
        typeof meta.name !== 'string' ||
        meta.name === ''
      ) {
        throw new ValidationError(`template document ${doc.index + 1} is not a Kubernetes object`, {
          code: 'INVALID_TEMPLATE',
          file: path.relative(process.cwd(), file) || file,
          ...(doc.source.position?.([]) ?? {}),
          expected: 'apiVersion, kind and metadata.name',
        });
      }
      out.push({ object: object as K8sObject, file });
    }
  }
  return out;
}

function addMissing(target: Record<string, unknown>, key: string, values: Record<string, string>): void {
  const current = isPlainMap(target[key]) ? target[key] : {};
  const merged: Record<string, unknown> = { ...values };
  for (const k of Object.keys(current)) setOwn(merged, k, current[k]); // the template's own values win
  setOwn(target, key, merged);
}

/**
 * Tie a template's object to the deployment like generated ones: labels on the object and on its pod template
 * (never on selectors), and the namespace where it has none.
 */
export function decorate(
  object: K8sObject,
  labelsFor: (component: string | undefined, kind: string) => Record<string, string>,
  namespace: string | undefined,
): void {
  const ownLabels = isPlainMap(object.metadata.labels) ? object.metadata.labels : {};
  const declared = lookupPath(ownLabels, [LABEL.component]);
  const component = typeof declared === 'string' ? declared : undefined;
  const labels = labelsFor(component, object.kind);
  addMissing(object.metadata, 'labels', labels);
  if (namespace && !CLUSTER_SCOPED.has(object.kind) && object.metadata.namespace === undefined) {
    object.metadata.namespace = namespace;
  }
  const templatePath = POD_TEMPLATE_PATHS[object.kind];
  if (templatePath) {
    const template = lookupPath(object, templatePath);
    if (isPlainMap(template)) {
      if (!isPlainMap(template.metadata)) template.metadata = {};
      addMissing(template.metadata as Record<string, unknown>, 'labels', labels);
    }
  }
}
