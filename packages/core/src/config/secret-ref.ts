import { ValidationError } from '../errors/index.js';
import { SECRET_RESOLVERS } from './resolvers/index.js';

/** `env:NAME`, `file:PATH`, `vault:MOUNT/PATH#KEY`, `k8s:NS/NAME#KEY`; a trailing `?` makes it optional. */
export interface SecretReference {
  scheme: string;
  body: string;
  /** An optional secret that cannot be found is left unset instead of failing the render. */
  optional: boolean;
  /** The reference as written (what records store and messages name). */
  text: string;
}

/** Parse and check a reference; the error names the reference (it is not a secret) and the known schemes. */
export function parseSecretReference(text: string): SecretReference {
  const known = Object.keys(SECRET_RESOLVERS);
  const fail = (message: string, expected: string): never => {
    throw new ValidationError(`secret reference ${JSON.stringify(text)}: ${message}`, {
      code: 'INVALID_SECRET_REFERENCE',
      expected,
    });
  };
  const colon = text.indexOf(':');
  if (colon <= 0) fail('expected SCHEME:REFERENCE', known.map((s) => SECRET_RESOLVERS[s]?.syntax).join(', '));
  const scheme = text.slice(0, colon);
  const resolver = SECRET_RESOLVERS[scheme];
  if (!resolver)
    fail(`unknown scheme "${scheme}"; known: ${known.join(', ')}`, known.map((s) => `${s}:`).join(', '));
  const optional = text.endsWith('?');
  const body = text.slice(colon + 1, optional ? -1 : undefined);
  const problem = resolver.check(body);
  if (problem !== undefined) fail(problem, resolver.syntax);
  return { scheme, body, optional, text };
}
