import { inspect } from 'node:util';

const MASK = '***';

/** Every secret value seen by this process; redact() replaces them in any text that leaves it. */
const registry = new Set<string>();
const listeners = new Set<(value: string) => void>();

/** Remember a secret so that it is masked everywhere; front ends hook in (e.g. GitHub's `core.setSecret`). */
export function registerSecret(value: string): void {
  // Very short values would mask ordinary words; callers still get a SecretValue, just no text masking.
  if (value.length < 3 || registry.has(value)) return;
  registry.add(value);
  for (const listener of listeners) listener(value);
}

export function onSecretRegistered(listener: (value: string) => void): () => void {
  listeners.add(listener);
  for (const value of registry) listener(value);
  return () => listeners.delete(listener);
}

/** Replace every registered secret in `text` with `***`. Longest first, so overlapping secrets mask fully. */
export function redact(text: string): string {
  if (registry.size === 0 || !text) return text;
  let out = text;
  for (const secret of [...registry].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** For tests only: forget registered secrets. */
export function clearSecretsForTesting(): void {
  registry.clear();
}

/**
 * A secret held in memory. It prints as `***` through every path Node offers (String(), template literals,
 * JSON.stringify, util.inspect, console.log); the value is reachable only through `reveal()`, which makes
 * each place that needs the real value easy to find in review.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.toPrimitive](): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/** Names listed in EDS_SECRET_VARS (commas, spaces or newlines between them). */
export function secretVariableNames(env: NodeJS.ProcessEnv): string[] {
  return (env.EDS_SECRET_VARS ?? '')
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
}

/**
 * Register the values of the variables EDS_SECRET_VARS names (masked CI variables, Jenkins credentials) as
 * secrets, so EDS prints them as `***` everywhere, not only where the CI system's own log masking reaches.
 * Returns the names that were set.
 */
export function registerSecretVariables(env: NodeJS.ProcessEnv): string[] {
  const registered: string[] = [];
  for (const name of secretVariableNames(env)) {
    const value = env[name];
    if (value) {
      registerSecret(value);
      registered.push(name);
    }
  }
  return registered;
}
