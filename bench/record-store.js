// Record store benchmark: `eds status --env E` and `eds history --env E --limit 20` wall time as the file store
// grows from 1,000 to 10,000 records across 20 environments, and compare-and-swap writes per second.
// Usage: npm run build && node bench/record-store.js   (prints one JSON object)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRecord, FileBackend, newDeploymentId, RecordStore } from '../packages/core/dist/index.js';

const ENVIRONMENTS = Array.from({ length: 20 }, (_, i) => `env${i}`);
const eds = path.resolve('packages/cli/bin/eds.js');

function record(environment, at) {
  return createRecord({
    id: newDeploymentId('bench', environment, at),
    application: 'bench',
    environment,
    description: 'bench',
    strategy: 'CANARY',
    components: [{ name: 'web', version: '1.0.0' }],
    actor: { user: 'bench', frontEnd: 'bench' },
    now: at,
    spec: {
      file: 'eds.yaml',
      sha256: '0'.repeat(64),
      application: { name: 'bench' },
      request: { versions: {}, set: {}, strategy: null },
    },
  });
}

async function fill(store, from, to) {
  const base = Date.parse('2026-01-01T00:00:00Z');
  const pending = [];
  for (let i = from; i < to; i += 1) {
    pending.push(store.put(record(ENVIRONMENTS[i % ENVIRONMENTS.length], new Date(base + i * 1000)), 0));
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

function timeCli(args, runs = 7) {
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    execFileSync(process.execPath, [eds, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)] * 10) / 10;
}

const state = mkdtempSync(path.join(os.tmpdir(), 'eds-bench-store-'));
const store = new RecordStore(new FileBackend(path.join(state, 'store')));
const result = { environments: ENVIRONMENTS.length, sizes: [] };
let filled = 0;
for (const size of [1000, 10000]) {
  await fill(store, filled, size);
  filled = size;
  const common = ['--state', state, '-f', '/nonexistent/eds.yaml', '--json'];
  result.sizes.push({
    records: size,
    statusMs: timeCli([...common, 'status', '--env', 'env7']),
    historyMs: timeCli([...common, 'history', '--env', 'env7', '--limit', '20']),
  });
}
// Node start-up alone, for reference: what any CLI invocation costs before EDS does anything.
result.nodeStartupMs = timeCli(['--version']);

const target = (await store.list({ application: 'bench', environment: 'env0', limit: 1 })).records[0];
const writes = 500;
const start = performance.now();
for (let i = 0; i < writes; i += 1) {
  await store.update(target.deployment.id, (r) => {
    r.deployment.metadata.i = i;
    return r;
  });
}
result.casWritesPerSecond = Math.round(writes / ((performance.now() - start) / 1000));
rmSync(state, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
