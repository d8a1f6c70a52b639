import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AppSpec, Configuration } from '../../model/index.js';
import { canonicalJson, canonicalYaml, sortKeysDeep } from '../canonical.js';
import { flattenToEnv } from '../host-env.js';
import { lookupPath, type Scope } from '../interpolation/evaluate.js';
import { configDataOf } from '../record-data.js';
import type { RenderedConfig } from '../render.js';
import type { ConfigStore } from '../store.js';
import {
  generateConfigMap,
  generateDeployment,
  generateSecret,
  generateService,
  type GenerateInput,
  type K8sObject,
} from './generate.js';
import { LABEL, objectLabels } from './labels.js';
import type { InterpolationContext } from '../context.js';

/** A Service spans tracks, so it carries no track label (it would flip with every canary render). */
function labelsFor(
  context: InterpolationContext,
  component: string | undefined,
  kind: string,
): Record<string, string> {
  const labels = objectLabels(context, component);
  if (kind === 'Service') delete labels[LABEL.track];
  return labels;
}
import { decorate, loadTemplates } from './templates.js';

export type ManifestFormat = 'yaml' | 'json';

export interface RenderManifestsOptions {
  spec: AppSpec;
  specFile: string;
  rendered: RenderedConfig;
  format?: ManifestFormat;
  /** `omit` leaves the Secret out (a render for review); default `include` (a render to apply). */
  secretData?: 'include' | 'omit';
  /** Where earlier versions are recorded, to list their generated ConfigMaps/Secrets for cleanup. */
  store?: ConfigStore;
  /** How many earlier versions' objects to keep (the previous one serves pods until the rollout ends); default 1. */
  keepPrevious?: number;
}

export interface ManifestDocument {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  object: K8sObject;
  /** Where it came from: `generated` or the template file. */
  origin: string;
  /** True for the Secret: its file holds secret values (written with mode 0600). */
  sensitive: boolean;
}

export interface PruneCandidate {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace?: string;
  version: number;
}

export interface RenderedManifests {
  documents: ManifestDocument[];
  /** One multi-document YAML stream, or a JSON `List`. */
  text: string;
  format: ManifestFormat;
  /** Generated ConfigMaps/Secrets of older versions, safe to delete after this rollout. */
  prune: PruneCandidate[];
  /** Objects left out (the Secret with `secretData: omit`). */
  omitted: string[];
}

const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Ingress',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
];

function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index < 0 ? KIND_ORDER.length : index;
}

const shortHash = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 10);

/** Generated object names carry a hash of their content, so a config change rolls pods and old ones stay intact. */
export function configMapNameFor(app: string, data: Record<string, string>): string {
  return `${app}-config-${shortHash(data)}`;
}

export function secretNameFor(
  app: string,
  references: Record<string, string>,
  fingerprints: Record<string, string>,
): string {
  // Keyed fingerprints, not values: a name must not reveal anything about a secret.
  return `${app}-secrets-${shortHash({ references, fingerprints })}`;
}

function objectKey(o: K8sObject): string {
  const namespace = typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '';
  return `${o.kind}/${namespace}/${String(o.metadata.name)}`;
}

function compareDocs(a: ManifestDocument, b: ManifestDocument): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.namespace ?? '').localeCompare(b.namespace ?? '', 'en') ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

async function pruneCandidates(
  options: RenderManifestsOptions,
  current: Set<string>,
  namespace: string | undefined,
): Promise<PruneCandidate[]> {
  if (!options.store) return [];
  const { app, environment } = options.rendered;
  const versions = await options.store.versions(app, environment);
  const records: Configuration[] = [];
  for (const version of versions) {
    const record = await options.store.get(app, environment, version);
    if (record) records.push(record);
  }
  // Newest first; the newest versions whose objects differ from this render's are kept for the running pods.
  const older = records.reverse();
  const out: PruneCandidate[] = [];
  const seen = new Set(current);
  let kept = 0;
  for (const record of older) {
    const data = configDataOf(record);
    const names: PruneCandidate[] = [
      { kind: 'ConfigMap', name: configMapNameFor(app, flattenToEnv(data.values)), version: record.version },
    ];
    if (Object.keys(record.secrets).length > 0) {
      names.push({
        kind: 'Secret',
        name: secretNameFor(app, record.secrets, data.secretFingerprints),
        version: record.version,
      });
    }
    const fresh = names.filter((n) => !seen.has(`${n.kind}/${n.name}`));
    if (fresh.length === 0) continue;
    for (const n of fresh) seen.add(`${n.kind}/${n.name}`);
    if (kept < (options.keepPrevious ?? 1)) {
      kept += 1;
      continue;
    }
    out.push(...fresh.map((n) => ({ ...n, ...(namespace ? { namespace } : {}) })));
  }
  return out;
}

/**
 * Kubernetes manifests for a rendered configuration: per component a Deployment and a Service (from eds.yaml),
 * a content-hash-named ConfigMap of the values, a Secret of the secrets, and the user's templates (which replace
 * generated objects of the same kind and name). Byte-for-byte deterministic: sorted keys, fixed document order.
 */
export async function renderManifests(options: RenderManifestsOptions): Promise<RenderedManifests> {
  const { rendered, spec } = options;
  const { context, configSpec } = rendered;
  const envConfig = configSpec.environments[rendered.environment] ?? {};
  const target = spec.environments[rendered.environment]?.target;
  const targetNamespace =
    typeof target === 'object' && target.type === 'KUBERNETES' ? target.namespace : undefined;
  const namespace = envConfig.namespace ?? configSpec.config.namespace ?? targetNamespace;

  const configData = flattenToEnv(rendered.values);
  const secretKeys = Object.keys(rendered.secrets).sort();
  const configMapName = configMapNameFor(spec.name, configData);
  // A Secret exists whenever secrets are declared, even if every optional one is unset, so templates can always
  // refer to `resources.secret`.
  const hasSecrets = Object.keys(rendered.references).length > 0;
  const secretName = hasSecrets
    ? secretNameFor(spec.name, rendered.references, rendered.fingerprints)
    : undefined;
  const input: GenerateInput = {
    spec,
    context,
    namespace,
    configMapName,
    secretName,
    configHash: rendered.hash,
    resources: (component) => {
      const pick = (r: typeof envConfig.resources) => r?.[component] ?? r?.['*'];
      const top = pick(configSpec.config.resources);
      const env = pick(envConfig.resources);
      return {
        requests: { ...top?.requests, ...env?.requests },
        limits: { ...top?.limits, ...env?.limits },
      };
    },
  };

  const objects = new Map<string, { object: K8sObject; origin: string }>();
  const add = (object: K8sObject, origin: string): void => {
    objects.set(objectKey(object), { object, origin });
  };
  add(generateConfigMap(input, configData), 'generated');
  const omitted: string[] = [];
  if (secretName) {
    if (options.secretData === 'omit') omitted.push(`Secret/${secretName}`);
    else {
      // The one place a secret value is written: a Secret manifest needs it.
      const data = Object.fromEntries(
        secretKeys.map((key) => [
          key,
          Buffer.from((rendered.secrets[key] as { reveal(): string }).reveal(), 'utf8').toString('base64'),
        ]),
      );
      add(generateSecret(input, secretName, data), 'generated');
    }
  }
  if (configSpec.config.generate) {
    for (const component of spec.components) {
      add(generateService(input, component), 'generated');
      add(generateDeployment(input, component), 'generated');
    }
  }
  if (configSpec.config.templates) {
    const extra = {
      resources: { configMap: configMapName, secret: secretName ?? null, namespace: namespace ?? null },
    };
    const roots: Record<string, unknown> = { config: rendered.values, ...context, ...extra };
    const scope: Scope = { roots: Object.keys(roots), get: (segments) => lookupPath(roots, segments) };
    const dir = path.join(path.dirname(options.specFile), configSpec.config.templates);
    for (const template of await loadTemplates(dir, scope)) {
      decorate(template.object, (component, kind) => labelsFor(context, component, kind), namespace);
      add(template.object, path.relative(path.dirname(options.specFile), template.file));
    }
  }

  const documents: ManifestDocument[] = [...objects.values()]
    .map(({ object, origin }) => {
      const sorted = sortKeysDeep(object) as K8sObject;
      const ns = sorted.metadata.namespace;
      return {
        apiVersion: sorted.apiVersion,
        kind: sorted.kind,
        name: String(sorted.metadata.name),
        ...(typeof ns === 'string' ? { namespace: ns } : {}),
        object: sorted,
        origin,
        sensitive: sorted.kind === 'Secret',
      };
    })
    .sort(compareDocs);
  const format = options.format ?? 'yaml';
  const text =
    format === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: documents.map((d) => d.object) }, null, 2)}\n`
      : documents.map((d) => canonicalYaml(d.object)).join('---\n');
  const current = new Set(documents.map((d) => `${d.kind}/${d.name}`));
  return { documents, text, format, prune: await pruneCandidates(options, current, namespace), omitted };
}
