import type { SecretResolver } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `env:NAME`: a variable of the environment EDS runs in (a CI secret). An empty value counts as unset, because CI
 * systems pass an empty string for a secret that is not defined (GitHub Actions does).
 */
export const envResolver: SecretResolver = {
  scheme: 'env',
  syntax: 'env:NAME',
  check: (body) =>
    NAME.test(body) ? undefined : 'NAME must be an environment variable name (letters, digits, _)',
  async resolve(body, _reference, context) {
    const value = context.env[body];
    return value === undefined || value === '' ? undefined : value;
  },
};
