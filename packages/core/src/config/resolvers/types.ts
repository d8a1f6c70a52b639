/** What a resolver may use; everything is injected so tests control it. */
export interface ResolveContext {
  env: NodeJS.ProcessEnv;
  /** Directory that relative `file:` paths start from (the directory of eds.yaml). */
  baseDir: string;
  fetch: typeof fetch;
  /** Per-request timeout of network resolvers. */
  timeoutMs: number;
  /** Shared within one render, so ten keys of one Vault secret cost one request. */
  cache: Map<string, Promise<unknown>>;
}

/**
 * One secret backend. `resolve` returns the value, or undefined when the backend answers "no such secret" (an
 * optional reference then stays unset). Errors name the reference, never a value.
 */
export interface SecretResolver {
  scheme: string;
  /** How a reference of this scheme is written, for messages. */
  syntax: string;
  /** A problem with the reference's shape, or undefined when it is well-formed. */
  check(body: string): string | undefined;
  resolve(body: string, reference: string, context: ResolveContext): Promise<string | undefined>;
}
