import { envResolver } from './env.js';
import { fileResolver } from './file.js';
import { kubernetesResolver } from './kubernetes.js';
import { vaultResolver } from './vault.js';
import type { SecretResolver } from './types.js';

/** The one table of secret backends: a scheme is known exactly when it is here. */
const table: Record<string, SecretResolver> = {
  [envResolver.scheme]: envResolver,
  [fileResolver.scheme]: fileResolver,
  [vaultResolver.scheme]: vaultResolver,
  [kubernetesResolver.scheme]: kubernetesResolver,
};

export const SECRET_RESOLVERS: Readonly<Record<string, SecretResolver>> = table;

/** For the Kubernetes package (E6): replace the `k8s` placeholder with a real reader. */
export function registerSecretResolver(resolver: SecretResolver): void {
  table[resolver.scheme] = resolver;
}

export type { SecretResolver, ResolveContext } from './types.js';
