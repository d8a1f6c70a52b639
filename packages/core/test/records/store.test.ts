import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  appendEvent,
  ConflictError,
  FileBackend,
  LockedError,
  MemoryBackend,
  RecordStore,
  ValidationError,
  type DocumentBackend,
} from '../../src/index.js';
import { sampleRecord } from '../../../../test/fixtures/records.js';

const backends: [string, () => DocumentBackend][] = [
  ['memory', () => new MemoryBackend()],
  ['file', () => new FileBackend(mkdtempSync(path.join(os.tmpdir(), 'eds-store-')))],
];

describe.each(backends)('RecordStore on %s', (_name, makeBackend) => {
  it('creates, reads and updates with compare-and-swap', async () => {
    const store = new RecordStore(makeBackend());
    const created = await store.put(sampleRecord(), 0);
    expect(created.revision).toBe(1);
    const next = structuredClone(created);
    next.deployment.status = 'IN_PROGRESS';
    const updated = await store.put(next, 1);
    expect(updated.revision).toBe(2);
    // A writer still holding revision 1 loses.
    await expect(store.put(next, 1)).rejects.toBeInstanceOf(ConflictError);
    expect((await store.get(created.deployment.id))?.deployment.status).toBe('IN_PROGRESS');
  });

  it('refuses a second create of the same id', async () => {
    const store = new RecordStore(makeBackend());
    const record = sampleRecord();
    await store.put(record, 0);
    await expect(store.put(record, 0)).rejects.toBeInstanceOf(ConflictError);
  });

  it('checks status transitions on every write', async () => {
    const store = new RecordStore(makeBackend());
    const created = await store.put(sampleRecord(), 0);
    const done = structuredClone(created);
    done.deployment.status = 'IN_PROGRESS';
    const r2 = await store.put(done, 1);
    r2.deployment.status = 'COMPLETED';
    const r3 = await store.put(r2, 2);
    r3.deployment.status = 'IN_PROGRESS';
    await expect(store.put(r3, 3)).rejects.toThrow(/cannot go from COMPLETED to IN_PROGRESS/);
  });

  it('keeps the event history append-only', async () => {
    const store = new RecordStore(makeBackend());
    const created = await store.put(sampleRecord(), 0);
    const next = structuredClone(created);
    appendEvent(next, { at: new Date(), type: 'Started', message: 'go' });
    const r2 = await store.put(next, 1);
    r2.events = r2.events.slice(1);
    await expect(store.put(r2, 2)).rejects.toThrow(/append-only/);
  });

  it('lists an environment newest first, reading only what it returns', async () => {
    const store = new RecordStore(makeBackend());
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 30; i += 1)
      await store.put(sampleRecord('hello', 'prod', new Date(base + i * 1000)), 0);
    await store.put(sampleRecord('hello', 'dev', new Date(base)), 0);
    const { records, problems } = await store.list({ application: 'hello', environment: 'prod', limit: 5 });
    expect(problems).toEqual([]);
    expect(records.map((r) => r.deployment.createdAt)).toEqual(
      [29, 28, 27, 26, 25].map((i) => new Date(base + i * 1000).toISOString()),
    );
    expect(await store.environments('hello')).toEqual(['dev', 'prod']);
  });

  it('trims the history to the newest deployments, never an unfinished one or the last COMPLETED', async () => {
    const store = new RecordStore(makeBackend());
    const base = Date.parse('2026-02-01T00:00:00Z');
    const statuses = ['COMPLETED', 'FAILED', 'IN_PROGRESS', 'FAILED', 'FAILED', 'FAILED', 'FAILED'] as const;
    const ids: string[] = [];
    for (const [i, status] of statuses.entries()) {
      const record = await store.put(sampleRecord('hello', 'prod', new Date(base + i * 1000)), 0);
      ids.push(record.deployment.id);
      if (status === 'IN_PROGRESS' || status === 'FAILED' || status === 'COMPLETED') {
        await store.update(record.deployment.id, (r) => {
          r.deployment.status = 'IN_PROGRESS';
          return r;
        });
      }
      if (status !== 'IN_PROGRESS') {
        await store.update(record.deployment.id, (r) => {
          r.deployment.status = status;
          return r;
        });
      }
    }
    // Newest 3 are FAILED; beyond them: FAILED (3), IN_PROGRESS (2), FAILED (1), COMPLETED (0).
    const removed = await store.trimHistory('hello', 'prod', 3);
    expect(removed.sort()).toEqual([ids[1], ids[3]].sort());
    const left = (await store.list({ application: 'hello', environment: 'prod', limit: 100 })).records.map(
      (r) => r.deployment.id,
    );
    expect(left).toEqual([ids[6], ids[5], ids[4], ids[2], ids[0]]);
    expect(await store.trimHistory('hello', 'prod', 0)).toEqual([]);
  });

  it('takes, refuses, takes over and breaks environment locks', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new RecordStore(makeBackend(), () => now);
    const alice = { user: 'alice', frontEnd: 'github', host: 'runner-1', pid: 42 };
    const bob = { user: 'bob', frontEnd: 'jenkins' };
    await store.acquireLock('hello', 'prod', { holder: 'd1', owner: alice, ttlMs: 60_000 });
    // Re-entrant for its holder.
    await store.acquireLock('hello', 'prod', { holder: 'd1', owner: alice, ttlMs: 60_000 });
    const refused = store.acquireLock('hello', 'prod', { holder: 'd2', owner: bob, ttlMs: 60_000 });
    await expect(refused).rejects.toBeInstanceOf(LockedError);
    await expect(refused).rejects.toThrow(/held by d1 \(alice via github, host runner-1 pid 42\)/);
    now = new Date(now.getTime() + 61_000);
    const taken = await store.acquireLock('hello', 'prod', { holder: 'd2', owner: bob, ttlMs: null });
    expect(taken.note).toMatch(/taken over from d1/);
    const broken = await store.forceUnlock('hello', 'prod', { user: 'carol', frontEnd: 'cli' });
    expect(broken?.holder).toBe('d2');
    const after = await store.getLock('hello', 'prod');
    expect(after?.state).toBe('free');
    expect(after?.note).toMatch(/broken with --force by carol/);
    // Releasing a lock you do not hold changes nothing.
    await store.acquireLock('hello', 'prod', { holder: 'd3', owner: bob, ttlMs: 1000 });
    await store.releaseLock('hello', 'prod', 'd1');
    expect((await store.getLock('hello', 'prod'))?.holder).toBe('d3');
    await store.releaseLock('hello', 'prod', 'd3');
    expect((await store.getLock('hello', 'prod'))?.state).toBe('free');
  });
});

describe('file store faults', () => {
  it('names a corrupt record file and still lists the others', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'eds-corrupt-'));
    const store = new RecordStore(new FileBackend(root));
    const base = Date.parse('2026-01-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1)
      ids.push((await store.put(sampleRecord('hello', 'prod', new Date(base + i)), 0)).deployment.id);
    const dir = path.join(root, 'records', 'hello', 'prod', ids[1]);
    const file = path.join(dir, readdirSync(dir)[0]);
    writeFileSync(file, '{"apiVersion": "eds/v1", "kind": trunc');
    await expect(store.get(ids[1])).rejects.toThrow(ValidationError);
    await expect(store.get(ids[1])).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
      location: { file },
    });
    const { records, problems } = await store.list({ application: 'hello', environment: 'prod' });
    expect(records.map((r) => r.deployment.id)).toEqual([ids[2], ids[0]]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.location.file).toBe(file);
  });

  it('refuses a record written by a newer format instead of misreading it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'eds-newer-'));
    const store = new RecordStore(new FileBackend(root));
    const record = await store.put(sampleRecord(), 0);
    const dir = path.join(root, 'records', 'hello', 'prod', record.deployment.id);
    writeFileSync(
      path.join(dir, '0000000002.json'),
      JSON.stringify({ ...record, apiVersion: 'eds/v2', newField: 1 }),
    );
    await expect(store.get(record.deployment.id)).rejects.toMatchObject({
      code: 'UNSUPPORTED_RECORD_VERSION',
    });
  });

  it('keeps only the newest revisions on disk', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'eds-prune-'));
    const store = new RecordStore(new FileBackend(root));
    const record = await store.put(sampleRecord(), 0);
    for (let i = 0; i < 12; i += 1) {
      await store.update(record.deployment.id, (r) => {
        r.deployment.metadata.i = i;
        return r;
      });
    }
    const dir = path.join(root, 'records', 'hello', 'prod', record.deployment.id);
    const names = readdirSync(dir).sort();
    expect(names.filter((n) => n.endsWith('.json'))).toEqual([
      '0000000009.json',
      '0000000010.json',
      '0000000011.json',
      '0000000012.json',
      '0000000013.json',
    ]);
    // The prune floor: no writer can land a revision in a freed slot below it.
    expect(names.filter((n) => n.startsWith('.floor-'))).toEqual(['.floor-0000000009']);
    await expect(
      new FileBackend(root).create('records/hello/prod/' + record.deployment.id, 3, '{}'),
    ).resolves.toBe(false);
  });
});
