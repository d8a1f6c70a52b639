import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileBackend, RecordStore } from '@eds/core';
import { sampleRecord } from '../fixtures/records.js';

const fixtures = path.resolve('test/fixtures');

function runNode(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('file store under concurrent processes', () => {
  it('50 writers doing compare-and-swap on one record lose no update', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'eds-cas-'));
    const store = new RecordStore(new FileBackend(root));
    const record = await store.put(sampleRecord(), 0);
    const writers = 50;
    const times = 3;
    const codes = await Promise.all(
      Array.from({ length: writers }, () =>
        runNode([path.join(fixtures, 'cas-writer.mjs'), root, record.deployment.id, String(times)]),
      ),
    );
    expect(codes.every((c) => c === 0)).toBe(true);
    const final = await store.require(record.deployment.id);
    expect(final.deployment.metadata.counter).toBe(writers * times);
    expect(final.revision).toBe(1 + writers * times);
    expect(final.events.map((e) => e.seq)).toEqual(Array.from({ length: 1 + writers * times }, (_, i) => i));
    // Every revision file left on disk is complete JSON; no temp files remain.
    const dir = path.join(root, 'records', 'hello', 'prod', record.deployment.id);
    for (const name of readdirSync(dir)) {
      expect(name).toMatch(/^(\d{10}\.json|\.floor-\d{10})$/);
      if (name.endsWith('.json'))
        expect(() => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown).not.toThrow();
    }
  }, 120_000);

  it('a writer killed with SIGKILL mid-write leaves the previous record intact', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'eds-kill-'));
    const store = new RecordStore(new FileBackend(root));
    const record = await store.put(sampleRecord(), 0);
    let lastRevision = record.revision;
    for (let round = 0; round < 8; round += 1) {
      const child = spawn(
        process.execPath,
        [path.join(fixtures, 'slow-writer.mjs'), root, record.deployment.id],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      // Let it complete at least one write (so it is in its write loop), then kill it at a varying moment.
      const deadline = Date.now() + 20_000;
      while ((await store.require(record.deployment.id)).revision === lastRevision && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, (round * 7) % 40));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const after = await store.require(record.deployment.id);
      expect(after.deployment.id).toBe(record.deployment.id);
      expect(after.revision).toBeGreaterThan(lastRevision);
      expect(typeof after.deployment.metadata.counter).toBe('number');
      expect(String(after.deployment.metadata.blob).length).toBeGreaterThanOrEqual(2_000_000);
      lastRevision = after.revision;
    }
    // The store still accepts writes after all those kills.
    const final = await store.update(record.deployment.id, (r) => {
      r.deployment.metadata.done = true;
      return r;
    });
    expect(final.deployment.metadata.done).toBe(true);
  }, 120_000);
});
