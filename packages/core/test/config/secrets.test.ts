import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {
  FINGERPRINT_KEY_FILE,
  loadFingerprintKey,
  parseSecretReference,
  renderConfig,
  SECRET_RESOLVERS,
  type ResolveContext,
} from '../../src/config/index.js';
import { EdsError } from '../../src/errors/index.js';
import { statSync } from 'node:fs';
import { startVaultEmulator, type VaultEmulator } from '../../../../test/emulators/vault/server.js';
import { ENVIRONMENTS, edsErrorOf, makeProject } from './helpers.js';

const TOKEN = 's.emulator-token';
const SECRET = 'vault-held-value-9c1e';
let vault: VaultEmulator;

beforeAll(async () => {
  vault = await startVaultEmulator({
    token: TOKEN,
    secrets: {
      'secret/shop/prod': { api_token: SECRET, retries: 3 },
      'kv/team a/db': { password: 'pw-with space' },
    },
    denied: ['secret/shop/locked'],
  });
});
afterAll(async () => vault.close());

function context(env: NodeJS.ProcessEnv, baseDir = tmpdir()): ResolveContext {
  return { env, baseDir, fetch, timeoutMs: 2000, cache: new Map() };
}

async function resolve(
  reference: string,
  env: NodeJS.ProcessEnv = {},
  baseDir?: string,
): Promise<string | undefined> {
  const ref = parseSecretReference(reference);
  const resolver = SECRET_RESOLVERS[ref.scheme];
  if (!resolver) throw new Error('no resolver');
  return resolver.resolve(ref.body, ref.text, context(env, baseDir));
}

const vaultEnv = (): NodeJS.ProcessEnv => ({ VAULT_ADDR: vault.url, VAULT_TOKEN: TOKEN });

describe('secret references', () => {
  it('parses each scheme and the optional marker', () => {
    expect(parseSecretReference('env:API_TOKEN')).toEqual({
      scheme: 'env',
      body: 'API_TOKEN',
      optional: false,
      text: 'env:API_TOKEN',
    });
    expect(parseSecretReference('env:API_TOKEN?').optional).toBe(true);
    expect(parseSecretReference('vault:secret/shop/prod#api_token').body).toBe('secret/shop/prod#api_token');
    expect(parseSecretReference('k8s:prod/shop-secrets#token').scheme).toBe('k8s');
    expect(parseSecretReference('file:./secrets/token').scheme).toBe('file');
  });

  it('rejects an unknown scheme, listing the known ones, and malformed bodies', async () => {
    const unknown = await edsErrorOf(() => parseSecretReference('aws:foo'));
    expect(unknown.message).toContain('known: env, file, vault, k8s');
    for (const bad of [
      'env:',
      'env:1BAD',
      'vault:nokey',
      'vault:secret/x',
      'k8s:ns-only',
      'nocolon',
      'file:',
    ]) {
      expect((await edsErrorOf(() => parseSecretReference(bad))).code).toBe('INVALID_SECRET_REFERENCE');
    }
  });

  it('the reference parser never throws anything but an EdsError (property)', () => {
    const schemeish = fc.constantFrom('env:', 'file:', 'vault:', 'k8s:', 'x:', '', ':');
    fc.assert(
      fc.property(schemeish, fc.string(), (scheme, rest) => {
        try {
          parseSecretReference(scheme + rest);
        } catch (error) {
          if (!(error instanceof EdsError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('env: reads the environment; an empty value counts as unset', async () => {
    expect(await resolve('env:A', { A: 'x1' })).toBe('x1');
    expect(await resolve('env:A', { A: '' })).toBeUndefined();
    expect(await resolve('env:A', {})).toBeUndefined();
  });

  it('file: reads a file relative to eds.yaml, dropping one final newline', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eds-secret-'));
    writeFileSync(path.join(dir, 'token'), 'file-secret\n\n');
    expect(await resolve('file:token', {}, dir)).toBe('file-secret\n');
    expect(await resolve('file:missing', {}, dir)).toBeUndefined();
  });

  it('k8s: without the Kubernetes package linked in is a clear "not available" error', async () => {
    const error = await edsErrorOf(() => resolve('k8s:prod/shop#token'));
    expect(error.code).toBe('SECRET_BACKEND_NOT_AVAILABLE');
    expect(error.message).toContain('Kubernetes package');
  });

  describe('vault: (against the KV v2 emulator)', () => {
    it('reads data.data.KEY with the token header, once per path', async () => {
      const before = vault.requests.length;
      const ref = parseSecretReference('vault:secret/shop/prod#api_token');
      const ctx = context(vaultEnv());
      const resolver = SECRET_RESOLVERS.vault;
      if (!resolver) throw new Error('no vault resolver');
      const [a, b] = await Promise.all([
        resolver.resolve(ref.body, ref.text, ctx),
        resolver.resolve('secret/shop/prod#retries', 'vault:secret/shop/prod#retries', ctx),
      ]);
      expect(a).toBe(SECRET);
      expect(b).toBe('3');
      const made = vault.requests.slice(before);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ method: 'GET', url: '/v1/secret/data/shop/prod', token: TOKEN });
      expect(await resolve('vault:kv/team a/db#password', vaultEnv())).toBe('pw-with space');
    });

    it('404 and a missing key are "not set"', async () => {
      expect(await resolve('vault:secret/shop/none#x', vaultEnv())).toBeUndefined();
      expect(await resolve('vault:secret/shop/prod#nokey', vaultEnv())).toBeUndefined();
    });

    it('403 is a clear access-denied error naming the reference', async () => {
      const wrongToken = await edsErrorOf(() =>
        resolve('vault:secret/shop/prod#api_token', { ...vaultEnv(), VAULT_TOKEN: 'bad' }),
      );
      expect(wrongToken.code).toBe('SECRET_ACCESS_DENIED');
      expect(wrongToken.message).toContain('vault:secret/shop/prod#api_token');
      expect(wrongToken.message).not.toContain('bad');
      const policy = await edsErrorOf(() => resolve('vault:secret/shop/locked#x', vaultEnv()));
      expect(policy.code).toBe('SECRET_ACCESS_DENIED');
    });

    it('an unreachable Vault is a clear error (exit 5) naming the reference', async () => {
      const error = await edsErrorOf(() =>
        resolve('vault:secret/shop/prod#api_token', { VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: TOKEN }),
      );
      expect(error.code).toBe('SECRET_BACKEND_UNREACHABLE');
      expect(error.exitCode).toBe(5);
      expect(error.message).toContain('vault:secret/shop/prod#api_token');
      expect(error.message).not.toContain(TOKEN);
    });

    it('missing VAULT_ADDR / VAULT_TOKEN say so', async () => {
      expect((await edsErrorOf(() => resolve('vault:secret/a#b', { VAULT_TOKEN: TOKEN }))).message).toContain(
        'VAULT_ADDR is not set',
      );
      expect(
        (await edsErrorOf(() => resolve('vault:secret/a#b', { VAULT_ADDR: vault.url }))).message,
      ).toContain('VAULT_TOKEN is not set');
    });

    it('a render with an unreachable Vault fails before anything is produced', async () => {
      const project = makeProject(
        `config:\n  secrets:\n    API_TOKEN: vault:secret/shop/prod#api_token\n${ENVIRONMENTS}`,
        { 'config/dev.yaml': 'a: 1\n', 'config/prod.yaml': 'a: 2\n' },
      );
      const error = await edsErrorOf(() =>
        renderConfig({
          ...project,
          environment: 'dev',
          env: { VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: TOKEN },
        }),
      );
      expect(error.code).toBe('SECRET_BACKEND_UNREACHABLE');
      const ok = await renderConfig({
        ...project,
        environment: 'dev',
        env: vaultEnv(),
        secrets: { fingerprintKey: Buffer.alloc(32, 1) },
      });
      expect(ok.secrets.API_TOKEN?.reveal()).toBe(SECRET);
      expect(JSON.stringify(ok.secrets)).toBe('{"API_TOKEN":"***"}');
    });
  });

  it('a missing required secret names the key and reference, never a value', async () => {
    const project = makeProject(`config:\n  secrets:\n    API_TOKEN: env:SHOP_API_TOKEN\n${ENVIRONMENTS}`, {
      'config/dev.yaml': 'a: 1\n',
      'config/prod.yaml': 'a: 2\n',
    });
    const error = await edsErrorOf(() => renderConfig({ ...project, environment: 'dev', env: {} }));
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.message).toContain('API_TOKEN');
    expect(error.message).toContain('env:SHOP_API_TOKEN');
    expect(error.location.path).toBe('config.secrets.API_TOKEN');
  });

  it('keeps the fingerprint key in the state directory with mode 0600, stable across loads', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'eds-state-'));
    const [a, b] = await Promise.all([
      loadFingerprintKey({ stateDir, env: {} }),
      loadFingerprintKey({ stateDir, env: {} }),
    ]);
    expect(a.equals(b)).toBe(true);
    expect(statSync(path.join(stateDir, FINGERPRINT_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(
      (await loadFingerprintKey({ stateDir, env: { EDS_CONFIG_FINGERPRINT_KEY: 'shared' } })).toString(),
    ).toBe('shared');
    chmodSync(stateDir, 0o700);
  });
});
