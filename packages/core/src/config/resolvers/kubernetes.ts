import { ValidationError } from '../../errors/index.js';
import type { SecretResolver } from './types.js';

const SHAPE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?#[-._a-zA-Z0-9]+$/;

/** `k8s:NAMESPACE/NAME#KEY`: a key of a Kubernetes Secret. The Kubernetes package (E6) will register the real reader. */
export const kubernetesResolver: SecretResolver = {
  scheme: 'k8s',
  syntax: 'k8s:NAMESPACE/NAME#KEY',
  check: (body) =>
    SHAPE.test(body) ? undefined : 'expected NAMESPACE/NAME#KEY (DNS names, a Secret data key)',
  async resolve(_body, reference) {
    throw new ValidationError(
      `secret ${reference}: k8s: references are not available until the Kubernetes package (@eds/kubernetes) lands`,
      { code: 'SECRET_BACKEND_NOT_AVAILABLE', path: reference, expected: 'env:, file: or vault: for now' },
    );
  },
};
