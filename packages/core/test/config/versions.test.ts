import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConfigStore,
  configDiff,
  configHistory,
  loadConfigVersion,
  previewDiff,
  renderConfig,
  renderManifests,
  writeRendered,
} from '../../src/config/index.js';
import { FileBackend, MemoryBackend } from '../../src/records/index.js';
import { ENVIRONMENTS, edsErrorOf, makeProject, type Project } from './helpers.js';

const clock = (): Date => new Date('2024-05-01T10:00:00.000Z');

function project(extra = ''): Project {
  return makeProject(
    `config:\n  base: config/base.yaml\n  secrets:\n    API_TOKEN: env:SHOP_TOKEN\n${extra}${ENVIRONMENTS}`,
    {
      'config/base.yaml': 'LOG_LEVEL: info\nGREETING: hello\nFAIL_RATE: 0\n',
      'config/dev.yaml': 'LOG_LEVEL: debug\n',
      'config/prod.yaml': '{}\n',
    },
  );
}

describe('configuration versions', () => {
  it('creates version N+1 only when the hash changes', async () => {
    const p = project();
    const store = new ConfigStore(new MemoryBackend(), clock);
    const render = (set: string[] = [], token = 'token-aaaa') =>
      renderConfig({
        ...p,
        environment: 'dev',
        env: { SHOP_TOKEN: token },
        request: { set },
        secrets: { fingerprintKey: Buffer.alloc(32, 3) },
      });
    const first = await store.save(await render(), { createdBy: 'alice' });
    expect(first).toMatchObject({
      created: true,
      record: { version: 1, name: 'shop', environment: 'dev', createdBy: 'alice' },
    });
    expect((await store.save(await render(), { createdBy: 'bob' })).created).toBe(false);
    expect((await store.save(await render(['FAIL_RATE=0.3']), { createdBy: 'bob' })).record.version).toBe(2);
    expect(
      (await store.save(await render(['FAIL_RATE=0.3'], 'token-bbbb'), { createdBy: 'bob' })).record.version,
    ).toBe(3);
    const history = await configHistory(store, 'shop', 'dev');
    expect(history.map((h) => h.version)).toEqual([3, 2, 1]);
    expect(history[0]?.secrets).toEqual({ API_TOKEN: 'env:SHOP_TOKEN' });
  });

  it('two concurrent writers never take the same version', async () => {
    const p = project();
    const store = new ConfigStore(new MemoryBackend(), clock);
    const renders = await Promise.all(
      ['a', 'b', 'c', 'd'].map((v) =>
        renderConfig({
          ...p,
          environment: 'dev',
          env: { SHOP_TOKEN: 'tok-x' },
          request: { set: [`GREETING=${v}`] },
        }),
      ),
    );
    const saved = await Promise.all(renders.map((r) => store.save(r, { createdBy: 'ci' })));
    expect(saved.map((s) => s.record.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it('diffs versions as a unified diff, secrets masked, changed secrets marked', async () => {
    const p = project();
    const store = new ConfigStore(new MemoryBackend(), clock);
    const key = Buffer.alloc(32, 9);
    const save = async (set: string[], token: string) =>
      store.save(
        await renderConfig({
          ...p,
          environment: 'dev',
          env: { SHOP_TOKEN: token },
          request: { set },
          secrets: { fingerprintKey: key },
        }),
        {
          createdBy: 'ci',
        },
      );
    await save([], 'first-token-value');
    await save(['FAIL_RATE=0.3'], 'second-token-value');
    const diff = await configDiff(store, 'shop', 'dev');
    expect(diff.from).toBe(1);
    expect(diff.to).toBe(2);
    expect(diff.text).toMatch(/^--- shop\/dev v1 \(sha256:[a-f0-9]{12}\)\n\+\+\+ shop\/dev v2/);
    expect(diff.text).toContain('-  FAIL_RATE: 0\n+  FAIL_RATE: 0.3\n');
    expect(diff.text).toContain(
      '-  API_TOKEN: ***  # env:SHOP_TOKEN\n+  API_TOKEN: *** (changed)  # env:SHOP_TOKEN\n',
    );
    expect(diff.text).not.toContain('token-value');
    expect((await configDiff(store, 'shop', 'dev', 2, 2)).text).toBe('');
    const first = await configDiff(store, 'shop', 'dev', undefined, 1);
    expect(first.from).toBeNull();
    expect(first.text).toContain('+++ shop/dev v1');
    expect((await edsErrorOf(() => configDiff(store, 'shop', 'dev', 7))).code).toBe(
      'CONFIG_VERSION_NOT_FOUND',
    );
    expect((await edsErrorOf(() => configDiff(store, 'shop', 'prod'))).code).toBe('CONFIG_VERSION_NOT_FOUND');
  });

  it('rollback: a stored version renders again (secrets re-resolved) and is saved as a new version', async () => {
    const p = project();
    const store = new ConfigStore(new MemoryBackend(), clock);
    const env = { SHOP_TOKEN: 'rollback-token' };
    const fingerprintKey = Buffer.alloc(32, 4);
    const v1 = await renderConfig({ ...p, environment: 'dev', env, secrets: { fingerprintKey } });
    await store.save(v1, { createdBy: 'ci' });
    await store.save(
      await renderConfig({
        ...p,
        environment: 'dev',
        env,
        request: { set: ['LOG_LEVEL=trace'] },
        secrets: { fingerprintKey },
      }),
      {
        createdBy: 'ci',
      },
    );
    const old = await loadConfigVersion(store, 'shop', 'dev', 1);
    const again = await renderConfig({
      ...p,
      environment: 'dev',
      env,
      pinned: old,
      secrets: { fingerprintKey },
    });
    expect(again.values).toEqual(v1.values);
    expect(again.hash).toBe(v1.hash);
    expect(again.secrets.API_TOKEN?.reveal()).toBe('rollback-token');
    const saved = await store.save(again, { createdBy: 'ci', rollbackOf: 1 });
    expect(saved.record.version).toBe(3);
    expect((await configHistory(store, 'shop', 'dev'))[0]?.rollbackOf).toBe(1);
    expect((await configDiff(store, 'shop', 'dev', 1, 3)).text).toBe('');
    expect((await edsErrorOf(() => loadConfigVersion(store, 'shop', 'dev', 9))).message).toContain(
      'versions: 1, 2, 3',
    );
  });

  it('secret canary: render + save + diff + history + manifests leave the value nowhere but the Secret manifest', async () => {
    const canary = 'CANARY-s3cr3t-value-7f3a9d';
    const canaryB64 = Buffer.from(canary).toString('base64');
    const p = project();
    const stateDir = mkdtempSync(path.join(tmpdir(), 'eds-canary-state-'));
    const outDir = mkdtempSync(path.join(tmpdir(), 'eds-canary-out-'));
    const store = new ConfigStore(new FileBackend(path.join(stateDir, 'store')), clock);
    const printed: string[] = [];
    const env = { SHOP_TOKEN: canary };
    const r1 = await renderConfig({ ...p, environment: 'dev', env, secrets: { stateDir } });
    printed.push(
      JSON.stringify(r1),
      String(r1.secrets.API_TOKEN),
      `${String(r1.secrets.API_TOKEN)}`,
      [r1.secrets.API_TOKEN].join(''),
    );
    printed.push(JSON.stringify(await store.save(r1, { createdBy: 'ci' })));
    printed.push(await previewDiff(store, r1));
    const r2 = await renderConfig({
      ...p,
      environment: 'dev',
      env: { SHOP_TOKEN: `${canary}-rotated` },
      request: { set: ['GREETING=hi'] },
      secrets: { stateDir },
    });
    printed.push(JSON.stringify(await store.save(r2, { createdBy: 'ci' })));
    printed.push(JSON.stringify(await configHistory(store, 'shop', 'dev')));
    const diff = await configDiff(store, 'shop', 'dev');
    printed.push(JSON.stringify(diff), diff.text);
    expect(diff.text).toContain('API_TOKEN: *** (changed)');
    const manifests = await renderManifests({ spec: p.spec, specFile: p.specFile, rendered: r1, store });
    const withoutSecret = manifests.documents.filter((d) => d.kind !== 'Secret');
    printed.push(...withoutSecret.map((d) => JSON.stringify(d)), JSON.stringify(manifests.prune));
    const omitted = await renderManifests({
      spec: p.spec,
      specFile: p.specFile,
      rendered: r1,
      secretData: 'omit',
    });
    printed.push(omitted.text);
    expect(omitted.omitted).toEqual([expect.stringMatching(/^Secret\/shop-secrets-/)]);

    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(stateDir);
    expect(files.length).toBeGreaterThanOrEqual(3); // the key and two versions
    for (const file of files) {
      const text = readFileSync(file, 'latin1');
      expect({ file, hit: text.includes(canary) || text.includes(canaryB64) }).toEqual({ file, hit: false });
    }
    for (const text of printed) {
      expect(text.includes(canary) || text.includes(canaryB64)).toBe(false);
    }
    // The Secret manifest is the one place the value must be, and its file is private.
    const written = await writeRendered(
      outDir,
      await renderManifests({ spec: p.spec, specFile: p.specFile, rendered: r1 }),
    );
    const holders = written.filter((f) => readFileSync(f, 'utf8').includes(canaryB64));
    expect(holders).toHaveLength(1);
    expect(path.basename(holders[0])).toMatch(/-secret-shop-secrets-/);
    expect(statSync(holders[0]).mode & 0o777).toBe(0o600);
    expect(written.some((f) => readFileSync(f, 'utf8').includes(canary))).toBe(false);
  });
});
