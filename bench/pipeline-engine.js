// Pipeline engine benchmark: scheduling + persistence overhead, and parallel speedup.
// Build first (`npx tsc -b packages/core`), then `node bench/pipeline-engine.js`. Prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createPipelineState,
  createStateSerializer,
  definePipeline,
  runPipeline,
} from '../packages/core/dist/pipeline/index.js';
import { FileBackend, RecordStore, newDeploymentId } from '../packages/core/dist/records/index.js';

const STEPS = 10_000;
const WIDTH = 100;

/** Deterministic PRNG (mulberry32) so every run benchmarks the same DAG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** STEPS no-op steps in layers of WIDTH; each step needs 1-3 random steps of the previous layer. */
function wideDag() {
  const random = prng(42);
  const steps = [];
  for (let i = 0; i < STEPS; i += 1) {
    const layer = Math.floor(i / WIDTH);
    const needs = new Set();
    if (layer > 0) {
      const count = 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k += 1) needs.add(`s${(layer - 1) * WIDTH + Math.floor(random() * WIDTH)}`);
    }
    steps.push({ id: `s${i}`, kind: 'noop', ...(needs.size ? { needs: [...needs] } : {}) });
  }
  return { name: 'bench-dag', concurrency: WIDTH, stages: [{ id: 'all', steps }] };
}

function newRecord(id, state, now) {
  const at = now.toISOString();
  return {
    apiVersion: 'eds/v1',
    kind: 'DeploymentRecord',
    application: 'bench',
    deployment: {
      id,
      name: 'bench',
      description: 'pipeline engine benchmark',
      status: 'IN_PROGRESS',
      environment: 'dev',
      components: [],
      strategy: 'ROLLING',
      createdBy: 'bench',
      createdAt: at,
      startedAt: at,
      completedAt: null,
      metadata: {},
    },
    pipeline: state.pipeline,
    progress: {
      phase: 'RUNNING',
      currentStep: null,
      pauseReason: null,
      pausedAt: null,
      weights: {},
      stableVersions: {},
      endpoints: {},
      analysis: [],
      approvals: [],
      steps: state.steps,
      reason: null,
      cleanup: [],
    },
    spec: {
      file: 'eds.yaml',
      sha256: '0',
      application: {},
      request: { versions: {}, set: {}, strategy: null },
    },
    reports: {},
    events: [],
  };
}

/** Persist into a deployment record through RecordStore (CAS revision, validation, temp+fsync+link). */
async function recordStorePersistence(dir, state) {
  const store = new RecordStore(new FileBackend(dir));
  const now = new Date();
  const id = newDeploymentId('bench', 'dev', now);
  let current = await store.put(newRecord(id, state, now), 0);
  return async (next) => {
    current = await store.put(
      { ...current, pipeline: next.pipeline, progress: { ...current.progress, steps: next.steps } },
      current.revision,
    );
  };
}

/**
 * Persist the engine state as one document via FileBackend (temp file, fsync, link, fsync dir), serialized
 * with the engine's memoizing serializer (only steps that changed since the last write are stringified).
 */
function fileBackendPersistence(dir) {
  const backend = new FileBackend(dir);
  const serialize = createStateSerializer();
  let revision = 0;
  return async (next) => {
    revision += 1;
    await backend.create('pipelines/bench', revision, serialize(next));
    if (revision % 20 === 0) await backend.prune('pipelines/bench', 5);
  };
}

const noop = { name: 'noop', idempotent: true, run: async () => ({ status: 'completed' }) };
const sleep50 = {
  name: 'sleep',
  idempotent: true,
  run: ({ signal }) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ status: 'completed' }), 50);
      signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
};

async function timeDag(mode, dir) {
  const pipeline = definePipeline(wideDag(), { noop });
  const state = createPipelineState(pipeline, { id: 'bench-dag' });
  const persist =
    mode === 'recordStore' ? await recordStorePersistence(dir, state) : fileBackendPersistence(dir);
  const started = performance.now();
  const outcome = await runPipeline({ pipeline, state, persist });
  const totalMs = performance.now() - started;
  if (outcome.status !== 'COMPLETED') throw new Error(`dag ended ${outcome.status}`);
  return {
    steps: STEPS,
    width: WIDTH,
    persistence: mode,
    recordBytes: Buffer.byteLength(JSON.stringify(outcome.state)),
    totalMs: Math.round(totalMs),
    perStepOverheadUs: Math.round((totalMs * 1000) / STEPS),
    persists: outcome.persists,
    goalMs: 2000,
    withinGoal: totalMs < 2000,
  };
}

async function timeParallel(dir) {
  const steps = Array.from({ length: 100 }, (_, i) => ({ id: `p${i}`, kind: 'sleep' }));
  const pipeline = definePipeline(
    { name: 'bench-parallel', concurrency: 20, stages: [{ id: 'all', steps }] },
    { sleep: sleep50 },
  );
  const state = createPipelineState(pipeline, { id: 'bench-parallel' });
  const persist = await recordStorePersistence(dir, state);
  const started = performance.now();
  const outcome = await runPipeline({ pipeline, state, persist });
  const totalMs = performance.now() - started;
  if (outcome.status !== 'COMPLETED') throw new Error(`parallel ended ${outcome.status}`);
  const idealMs = (100 / 20) * 50;
  return {
    steps: 100,
    stepMs: 50,
    concurrency: 20,
    persistence: 'recordStore',
    idealMs,
    totalMs: Math.round(totalMs),
    ratio: Number((totalMs / idealMs).toFixed(3)),
    goalRatio: 1.3,
    withinGoal: totalMs / idealMs <= 1.3,
    persists: outcome.persists,
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'eds-bench-'));
try {
  const result = {
    benchmark: 'pipeline-engine',
    node: process.version,
    dag: await timeDag('fileBackend', path.join(dir, 'raw')),
    dagThroughRecordStore: await timeDag('recordStore', path.join(dir, 'store')),
    parallel: await timeParallel(path.join(dir, 'parallel')),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
