import { ValidationError } from '../../errors/index.js';
import type { SecretResolver } from './types.js';

const SHAPE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?#[-._a-zA-Z0-9]+$/;

/**
 * `k8s:NAMESPACE/NAME#KEY`: a key of a Kubernetes Secret. The core checks the shape; the reader needs a cluster
 * client, which the Kubernetes package registers (the eds CLI links it in).
 */
export const kubernetesResolver: SecretResolver = {
  scheme: 'k8s',
  syntax: 'k8s:NAMESPACE/NAME#KEY',
  check: (body) =>
    SHAPE.test(body) ? undefined : 'expected NAMESPACE/NAME#KEY (DNS names, a Secret data key)',
  async resolve(_body, reference) {
    throw new ValidationError(
      `secret ${reference}: k8s: references need the Kubernetes package (@eds/kubernetes) linked in, as the eds CLI does`,
      {
        code: 'SECRET_BACKEND_NOT_AVAILABLE',
        path: reference,
        expected: 'registerKubernetes() from @eds/kubernetes, or env:, file:, vault:',
      },
    );
  },
};
