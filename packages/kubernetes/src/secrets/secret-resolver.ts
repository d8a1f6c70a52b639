import { ValidationError, type SecretResolver } from '@eds/core';
import { connect } from '../connection/cluster.js';
import { isApiError } from '../connection/api-errors.js';

const SHAPE = /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\/([a-z0-9](?:[-.a-z0-9]*[a-z0-9])?)#([-._a-zA-Z0-9]+)$/;

interface SecretObject {
  data?: Record<string, string>;
}

/**
 * `k8s:NAMESPACE/NAME#KEY`: one key of a Kubernetes Secret, read with the current kubeconfig context (the
 * same connection rules as the KUBERNETES target). One read per Secret per render, whatever the number of keys.
 */
export const kubernetesSecretResolver: SecretResolver = {
  scheme: 'k8s',
  syntax: 'k8s:NAMESPACE/NAME#KEY',
  check: (body) =>
    SHAPE.test(body) ? undefined : 'expected NAMESPACE/NAME#KEY (DNS names, a Secret data key)',
  async resolve(body, reference, context) {
    const [, namespace, name, key] = SHAPE.exec(body) ?? [];
    if (!namespace || !name || !key)
      throw new ValidationError(`secret ${reference}: expected k8s:NAMESPACE/NAME#KEY`, { path: reference });
    const cacheKey = `k8s:${namespace}/${name}`;
    let pending = context.cache.get(cacheKey) as Promise<SecretObject | undefined> | undefined;
    if (!pending) {
      const { client } = connect({ env: context.env }, { attempts: 2 });
      pending = client
        .get<SecretObject>(`/api/v1/namespaces/${namespace}/secrets/${name}`)
        .catch((error: unknown) => {
          if (isApiError(error, 404)) return undefined;
          throw error;
        });
      context.cache.set(cacheKey, pending);
    }
    const secret = await pending;
    const encoded = secret?.data?.[key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  },
};
