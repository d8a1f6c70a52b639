import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileBackend, RecordStore } from '@eds/core';
import { eds } from '../helpers/eds.js';
import { sampleRecord } from '../fixtures/records.js';

const example = path.resolve('examples/hello/eds.yaml');
/** A frozen copy of the example: bad-input tests edit it by text. */
const fixture = path.resolve('test/fixtures/specs/hello.yaml');

function badSpec(transform: (text: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-bad-'));
  const file = path.join(dir, 'eds.yaml');
  writeFileSync(file, transform(readFileSync(fixture, 'utf8')));
  return file;
}

describe('eds CLI basics (real process)', () => {
  it('validates the example', async () => {
    const run = await eds(['validate', '-f', example]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/valid — hello/);
  });

  it.each([
    [
      'unknown field',
      (t: string) => t.replace('maxUnavailable', 'maxUnavail'),
      'environments.dev.strategy.maxUnavail',
    ],
    ['wrong enum', (t: string) => t.replace('tier: PROD', 'tier: PRODUCTION'), 'environments.prod.tier'],
    ['non-semver', (t: string) => t.replace('version: 1.0.0', 'version: one'), 'components[0].version'],
    [
      'weights',
      (t: string) => t.replace('setWeight: 50', 'setWeight: 5'),
      'environments.prod.strategy.steps[3].setWeight',
    ],
  ])(
    'exits 2 on %s, naming file and field path, without a stack trace',
    async (_name, transform, fieldPath) => {
      const file = badSpec(transform);
      const run = await eds(['validate', '-f', file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(file);
      expect(run.stderr).toContain(fieldPath);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const json = await eds(['--json', 'validate', '-f', file]);
      const parsed = JSON.parse(json.stdout) as { error: { path: string; file: string }; exitCode: number };
      expect(parsed.exitCode).toBe(2);
      expect(parsed.error.path).toBe(fieldPath);
    },
  );

  it('exits 2 for a missing environment, listing the defined ones', async () => {
    const run = await eds(['validate', '-f', fixture, '--env', 'qa']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/environment "qa" is not defined; defined: dev, staging, prod/);
  });

  it('prints a stack only with --debug', async () => {
    const file = badSpec((t) => t.replace('tier: DEV', 'tier: X'));
    const run = await eds(['--debug', 'validate', '-f', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors and 0 on --help', async () => {
    expect((await eds(['deploy-everything'])).code).toBe(2);
    expect((await eds(['history'])).code).toBe(2);
    const help = await eds(['status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--env/);
  });

  it('shows status, history and lock holder; unlock --force records who broke it', async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'eds-state-'));
    const store = new RecordStore(new FileBackend(path.join(state, 'store')));
    const base = Date.parse('2026-03-01T10:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1)
      ids.push((await store.put(sampleRecord('hello', 'prod', new Date(base + i * 1000)), 0)).deployment.id);
    await store.acquireLock('hello', 'prod', {
      holder: ids[2],
      owner: { user: 'alice', frontEnd: 'gitlab' },
      ttlMs: null,
    });
    const common = ['-f', example, '--state', state];

    const status = await eds([...common, '--json', 'status', '--env', 'prod']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { id: string; status: string; lock: { holder: string } };
    expect(parsed.id).toBe(ids[2]);
    expect(parsed.status).toBe('PENDING');
    expect(parsed.lock.holder).toBe(ids[2]);

    const text = await eds([...common, 'status', '--env', 'prod']);
    expect(text.stdout).toMatch(/held by .* \(alice via gitlab\)/);

    const history = await eds([...common, '--json', 'history', '--env', 'prod', '--limit', '2']);
    expect(
      (JSON.parse(history.stdout) as { deployments: { id: string }[] }).deployments.map((d) => d.id),
    ).toEqual([ids[2], ids[1]]);

    const byId = await eds(['--state', state, '--json', 'status', ids[0]]);
    expect((JSON.parse(byId.stdout) as { id: string }).id).toBe(ids[0]);

    expect((await eds([...common, 'unlock', '--env', 'prod'])).code).toBe(2);
    const unlock = await eds([...common, 'unlock', '--env', 'prod', '--force'], {
      env: { EDS_USER: 'ops-carol' },
    });
    expect(unlock.code).toBe(0);
    expect(unlock.stdout).toMatch(/it was held by/);
    expect((await store.getLock('hello', 'prod'))?.note).toMatch(/broken with --force by ops-carol/);

    const missing = await eds(['--state', state, 'status', 'hello.prod.20260101000000000.abcd']);
    expect(missing.code).toBe(2);
    expect((await eds(['--state', state, 'status', '../../etc/passwd'])).code).toBe(2);
  });

  it('prints JSON Schemas', async () => {
    const run = await eds(['schema', 'eds']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { title: string }).title).toMatch(/eds.yaml/);
    expect((await eds(['schema', 'nope'])).code).toBe(2);
  });
});
