import { InternalError, ValidationError } from '../../errors/index.js';
import { isPlainMap } from '../canonical.js';
import type { ResolveContext, SecretResolver } from './types.js';

interface VaultPath {
  mount: string;
  path: string;
  key: string;
}

function split(body: string): VaultPath | undefined {
  const match = /^([^/#\s]+)\/([^#]*[^#\s/][^#]*)#([^#\s]+)$/.exec(body);
  if (!match) return undefined;
  return {
    mount: match[1],
    path: match[2].replace(/\/+$/, ''),
    key: match[3],
  };
}

const encodePath = (text: string): string => text.split('/').map(encodeURIComponent).join('/');

/** One KV v2 read per secret path and render; resolves to the secret's key/value map, or undefined on 404. */
async function readSecret(
  where: VaultPath,
  reference: string,
  context: ResolveContext,
): Promise<Record<string, unknown> | undefined> {
  const address = context.env.VAULT_ADDR;
  const token = context.env.VAULT_TOKEN;
  if (!address || !token) {
    throw new ValidationError(`secret ${reference}: ${!address ? 'VAULT_ADDR' : 'VAULT_TOKEN'} is not set`, {
      code: 'SECRET_BACKEND_NOT_CONFIGURED',
      path: reference,
      expected: 'VAULT_ADDR (e.g. https://vault.example.com:8200) and VAULT_TOKEN in the environment',
    });
  }
  const url = `${address.replace(/\/+$/, '')}/v1/${encodeURIComponent(where.mount)}/data/${encodePath(where.path)}`;
  const headers: Record<string, string> = { 'X-Vault-Token': token, Accept: 'application/json' };
  if (context.env.VAULT_NAMESPACE) headers['X-Vault-Namespace'] = context.env.VAULT_NAMESPACE;
  let response: Response;
  try {
    response = await context.fetch(url, { headers, signal: AbortSignal.timeout(context.timeoutMs) });
  } catch (cause) {
    const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name;
    throw new InternalError(`secret ${reference}: Vault at ${address} is unreachable (${reason})`, {
      code: 'SECRET_BACKEND_UNREACHABLE',
      path: reference,
      expected: 'a reachable Vault (check VAULT_ADDR and the network)',
    });
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.status === 403 || response.status === 401) {
    await response.body?.cancel();
    throw new ValidationError(
      `secret ${reference}: Vault denied access (HTTP ${response.status}); check VAULT_TOKEN and its policy`,
      {
        code: 'SECRET_ACCESS_DENIED',
        path: reference,
        expected: `a token whose policy allows read on ${where.mount}/data/${where.path}`,
      },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new InternalError(`secret ${reference}: Vault answered HTTP ${response.status}`, {
      code: 'SECRET_BACKEND_ERROR',
      path: reference,
    });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const data = isPlainMap(body) && isPlainMap(body.data) ? body.data.data : undefined;
  if (data === null) return undefined; // a deleted version of the secret
  if (!isPlainMap(data)) {
    throw new InternalError(`secret ${reference}: Vault's answer is not a KV v2 read (no data.data)`, {
      code: 'SECRET_BACKEND_ERROR',
      path: reference,
      expected: 'a KV version 2 secrets engine mounted at the first path segment',
    });
  }
  return data;
}

/**
 * `vault:MOUNT/PATH#KEY`: a key of a HashiCorp Vault KV v2 secret, read with
 * `GET $VAULT_ADDR/v1/MOUNT/data/PATH` and `X-Vault-Token: $VAULT_TOKEN` (plain fetch, no client library).
 */
export const vaultResolver: SecretResolver = {
  scheme: 'vault',
  syntax: 'vault:MOUNT/PATH#KEY',
  check: (body) =>
    split(body) ? undefined : 'expected MOUNT/PATH#KEY, e.g. vault:secret/hello/prod#api_token',
  async resolve(body, reference, context) {
    const where = split(body) as VaultPath;
    const cacheKey = `vault:${where.mount}/${where.path}`;
    let pending = context.cache.get(cacheKey) as Promise<Record<string, unknown> | undefined> | undefined;
    if (!pending) {
      pending = readSecret(where, reference, context);
      context.cache.set(cacheKey, pending);
    }
    const data = await pending;
    const value = data?.[where.key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new ValidationError(
      `secret ${reference}: the key holds a ${Array.isArray(value) ? 'list' : 'map'}, not text`,
      {
        code: 'SECRET_NOT_TEXT',
        path: reference,
      },
    );
  },
};
