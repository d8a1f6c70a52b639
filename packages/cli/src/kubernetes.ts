import { registerStoreBackend, registerTarget, type DocumentBackend, type StoredDocument } from '@eds/core';

type KubernetesModule = typeof import('@eds/kubernetes');

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
    locate: (key) => `kubernetes ConfigMap for ${key}`,
  };
}

/** Link the KUBERNETES target and the `kubernetes` record store into this program. */
export function linkKubernetes(): void {
  registerTarget('KUBERNETES', async (spec, ctx) => (await load()).kubernetesTargetFactory(spec, ctx));
  registerStoreBackend('kubernetes', (options) =>
    lazyBackend(
      async () => (await load()).kubernetesStoreBackend(options),
      `kubernetes store (namespace ${options.settings?.namespace ?? 'default'})`,
    ),
  );
}
