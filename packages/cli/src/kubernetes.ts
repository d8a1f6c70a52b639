import { registerStoreBackend, type DocumentBackend, type StoredDocument } from '@eds/core/records';
import { core } from './core.js';
import type * as KubernetesPackage from '@eds/kubernetes';

type KubernetesModule = typeof KubernetesPackage;

/** The Kubernetes client is large: it is loaded only by commands that use a cluster target or store. */
let loading: Promise<KubernetesModule> | undefined;
const load = (): Promise<KubernetesModule> => (loading ??= import('@eds/kubernetes'));

function lazyBackend(open: () => Promise<DocumentBackend>, description: string): DocumentBackend {
  let opened: Promise<DocumentBackend> | undefined;
  const backend = () => (opened ??= open());
  return {
    description,
    readLatest: async (key): Promise<StoredDocument | undefined> => (await backend()).readLatest(key),
    create: async (key, revision, text) => (await backend()).create(key, revision, text),
    children: async (prefix) => (await backend()).children(prefix),
    prune: async (key, keep) => (await backend()).prune(key, keep),
    remove: async (key) => (await backend()).remove(key),
    // The ConfigMap store's own default (Helm-like); known without loading the client.
    defaultHistoryMax: 10,
    locate: (key) => `kubernetes ConfigMap for ${key}`,
  };
}

/** Link the KUBERNETES target into the controller (once the full core is loaded). */
export function linkKubernetesTarget(): void {
  const eds = core();
  eds.registerTarget('KUBERNETES', async (spec, ctx) => (await load()).kubernetesTargetFactory(spec, ctx));
  // `k8s:NS/NAME#KEY` secret references: the core checks their shape; the client reads them when used.
  const shape = eds.SECRET_RESOLVERS.k8s;
  if (shape) {
    eds.registerSecretResolver({
      ...shape,
      resolve: async (body, reference, context) =>
        (await load()).kubernetesSecretResolver.resolve(body, reference, context),
    });
  }
}

/** Link the `kubernetes` record store (records are light: every command may use them). */
export function linkKubernetes(): void {
  registerStoreBackend('kubernetes', (options) =>
    lazyBackend(
      async () => (await load()).kubernetesStoreBackend(options),
      `kubernetes store (namespace ${options.settings?.namespace ?? 'default'})`,
    ),
  );
}
