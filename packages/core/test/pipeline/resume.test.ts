import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/errors/index.js';
import {
  createPipelineState,
  definePipeline,
  INTERRUPTED_NON_IDEMPOTENT,
  runPipeline,
  type CompiledPipeline,
  type PipelineState,
  type StepKindTable,
} from '../../src/pipeline/index.js';
import { kind, logsOf, oneStage, recordingPersist, statusOf } from './helpers.js';

/**
 * Simulate a process killed while step `b` runs: run until b's IN_PROGRESS is durable, take that persisted
 * snapshot as "what the record says", then abandon the run.
 */
async function stateKilledDuring(pipeline: CompiledPipeline, hanging: string): Promise<PipelineState> {
  const recorder = recordingPersist();
  const controller = new AbortController();
  let crashed: PipelineState | undefined;
  const run = runPipeline({
    pipeline,
    state: createPipelineState(pipeline, { id: 'p' }),
    persist: async (state) => {
      await recorder.persist(state);
      if (!crashed && statusOf(state, hanging) === 'IN_PROGRESS') {
        crashed = structuredClone(state);
        setTimeout(() => controller.abort(), 5);
      }
    },
    signal: controller.signal,
  });
  await run;
  if (!crashed) throw new Error('never reached the crash point');
  return crashed;
}

function countingKinds(
  counts: Map<string, number>,
  behaviour: Record<string, 'hang' | 'ok'>,
  idempotent: boolean,
): StepKindTable {
  const work = kind(
    'work',
    (ctx) => {
      counts.set(ctx.step.id, (counts.get(ctx.step.id) ?? 0) + 1);
      if (behaviour[ctx.step.id] === 'hang')
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('killed'))),
        );
      return { status: 'completed', outputs: { by: ctx.step.id } };
    },
    idempotent,
  );
  return { work };
}

const DEFINITION = oneStage([
  { id: 'a', kind: 'work' },
  { id: 'b', kind: 'work', needs: ['a'] },
  { id: 'c', kind: 'work', needs: ['b'] },
]);

describe('resume', () => {
  it('does not re-run completed steps and re-runs the interrupted idempotent step', async () => {
    const firstCounts = new Map<string, number>();
    const crashed = await stateKilledDuring(
      definePipeline(DEFINITION, countingKinds(firstCounts, { b: 'hang' }, true)),
      'b',
    );
    expect([statusOf(crashed, 'a'), statusOf(crashed, 'b'), statusOf(crashed, 'c')]).toEqual([
      'COMPLETED',
      'IN_PROGRESS',
      'PENDING',
    ]);

    const counts = new Map<string, number>();
    const pipeline = definePipeline(DEFINITION, countingKinds(counts, {}, true));
    const recorder = recordingPersist();
    const outcome = await runPipeline({ pipeline, state: crashed, persist: recorder.persist });
    expect(outcome.status).toBe('COMPLETED');
    expect(counts.get('a')).toBeUndefined();
    expect(counts.get('b')).toBe(1);
    expect(counts.get('c')).toBe(1);
    expect(outcome.state.steps.b?.attempts).toBe(2);
    expect(logsOf(outcome.state, 'b')[0]).toMatch(
      /^— interrupted while running \(attempt 1\); running it again/,
    );
    // The second attempt was durable as IN_PROGRESS (attempt 2) before it completed.
    const firstDone = recorder.writes.findIndex((w) => statusOf(w, 'b') === 'COMPLETED');
    const rerun = recorder.writes.findIndex(
      (w) => statusOf(w, 'b') === 'IN_PROGRESS' && w.steps.b?.attempts === 2,
    );
    expect(rerun).toBeGreaterThanOrEqual(0);
    expect(rerun).toBeLessThan(firstDone);
    expect(outcome.state.pipeline.status).toBe('COMPLETED');
  });

  it('fails safe instead of re-running an interrupted non-idempotent step', async () => {
    const crashed = await stateKilledDuring(
      definePipeline(DEFINITION, countingKinds(new Map(), { b: 'hang' }, false)),
      'b',
    );
    const counts = new Map<string, number>();
    const pipeline = definePipeline(DEFINITION, countingKinds(counts, {}, false));
    const recorder = recordingPersist();
    const outcome = await runPipeline({ pipeline, state: crashed, persist: recorder.persist });
    expect(outcome).toMatchObject({
      status: 'FAILED',
      failSafe: true,
      failed: { stepId: 'b', error: INTERRUPTED_NON_IDEMPOTENT },
    });
    expect(counts.size).toBe(0);
    expect(statusOf(outcome.state, 'b')).toBe('FAILED');
    expect(statusOf(outcome.state, 'c')).toBe('CANCELLED');
    expect(outcome.state.pipeline.status).toBe('FAILED');
    expect(recorder.last()).toEqual(outcome.state);
    // Resuming again reports the same end without doing anything.
    const again = await runPipeline({ pipeline, state: outcome.state, persist: recorder.persist });
    expect(again).toMatchObject({ status: 'FAILED', failed: { stepId: 'b' } });
    expect(counts.size).toBe(0);
  });

  it('continues from a failure recorded before a crash: failure() handlers run, the pipeline ends FAILED', async () => {
    const counts = new Map<string, number>();
    const pipeline = definePipeline(
      oneStage([
        { id: 'a', kind: 'work' },
        { id: 'rollback', kind: 'work', needs: ['a'], if: 'failure()' },
        { id: 'next', kind: 'work', needs: ['a'] },
      ]),
      countingKinds(counts, {}, true),
    );
    const state = createPipelineState(pipeline, { id: 'p' });
    state.pipeline.status = 'IN_PROGRESS';
    const a = state.pipeline.stages[0]?.steps[0];
    if (!a) throw new Error('no step');
    Object.assign(a, {
      status: 'FAILED',
      startedAt: new Date().toISOString(),
      completedAt: new Date().toISOString(),
    });
    state.steps.a = { kind: 'work', attempts: 1, error: 'exit 1' };
    const outcome = await runPipeline({ pipeline, state, persist: recordingPersist().persist });
    expect(outcome).toMatchObject({ status: 'FAILED', failed: { stepId: 'a', error: 'exit 1' } });
    expect([...counts.keys()]).toEqual(['rollback']);
    expect(statusOf(outcome.state, 'next')).toBe('CANCELLED');
  });

  it('refuses a state that does not belong to the definition', async () => {
    const pipeline = definePipeline(DEFINITION, countingKinds(new Map(), {}, true));
    const other = definePipeline(oneStage([{ id: 'x', kind: 'work' }]), countingKinds(new Map(), {}, true));
    await expect(
      runPipeline({
        pipeline,
        state: createPipelineState(other, { id: 'p' }),
        persist: async () => undefined,
      }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('pause', () => {
  it('stops scheduling, lets running steps finish, persists, and resumes the paused step', async () => {
    let approved = false;
    const runs: string[] = [];
    const gate = kind('gate', (ctx) => {
      runs.push(
        `gate#${ctx.attempt}${ctx.previous ? ` previous=${String(ctx.previous.outputs?.since)}` : ''}`,
      );
      if (!approved) return { status: 'paused', reason: 'waiting for approval', outputs: { since: 'T0' } };
      return { status: 'completed', outputs: { approvedBy: 'alice' } };
    });
    const work = kind('work', async (ctx) => {
      runs.push(ctx.step.id);
      if (ctx.step.id === 'slow') await new Promise((resolve) => setTimeout(resolve, 30));
      return { status: 'completed' };
    });
    const pipeline = definePipeline(
      oneStage([
        { id: 'deploy', kind: 'work' },
        { id: 'slow', kind: 'work' },
        { id: 'approval', kind: 'gate', needs: ['deploy'] },
        { id: 'promote', kind: 'work', needs: ['approval'] },
        { id: 'other', kind: 'work', needs: ['deploy', 'slow'] },
      ]),
      { gate, work },
    );
    const recorder = recordingPersist();
    const paused = await runPipeline({
      pipeline,
      state: createPipelineState(pipeline, { id: 'p' }),
      persist: recorder.persist,
      concurrency: 4,
    });
    expect(paused).toMatchObject({
      status: 'PAUSED',
      paused: { stepId: 'approval', reason: 'waiting for approval' },
    });
    expect(statusOf(paused.state, 'slow')).toBe('COMPLETED'); // was running: allowed to finish
    expect(statusOf(paused.state, 'approval')).toBe('PENDING');
    expect(statusOf(paused.state, 'promote')).toBe('PENDING');
    expect(statusOf(paused.state, 'other')).toBe('PENDING'); // not started after the pause
    expect(paused.state.pipeline.status).toBe('IN_PROGRESS');
    expect(recorder.last()).toEqual(paused.state);

    // Still not approved: pauses again, nothing else runs.
    const stillPaused = await runPipeline({ pipeline, state: paused.state, persist: recorder.persist });
    expect(stillPaused.status).toBe('PAUSED');

    approved = true;
    const resumed = await runPipeline({ pipeline, state: stillPaused.state, persist: recorder.persist });
    expect(resumed.status).toBe('COMPLETED');
    expect(runs.filter((r) => r === 'deploy' || r === 'slow')).toEqual(['deploy', 'slow']);
    expect(runs.filter((r) => r.startsWith('gate'))).toEqual([
      'gate#1',
      'gate#1 previous=T0',
      'gate#1 previous=T0',
    ]);
    expect(resumed.state.steps.approval).toMatchObject({ attempts: 3, outputs: { approvedBy: 'alice' } });
    expect(logsOf(resumed.state, 'approval')).toContain('paused: waiting for approval');
  });

  it('a cancellation while paused cancels the paused step', async () => {
    const controller = new AbortController();
    const gate = kind('gate', () => ({ status: 'paused', reason: 'manual' }));
    const work = kind('work', async (ctx) => {
      if (ctx.step.id === 'slow') {
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { status: 'completed' };
    });
    const pipeline = definePipeline(
      oneStage([
        { id: 'pause', kind: 'gate' },
        { id: 'slow', kind: 'work' },
      ]),
      { gate, work },
    );
    const outcome = await runPipeline({
      pipeline,
      state: createPipelineState(pipeline, { id: 'p' }),
      persist: async () => undefined,
      signal: controller.signal,
    });
    expect(outcome.status).toBe('CANCELLED');
    expect(statusOf(outcome.state, 'pause')).toBe('CANCELLED');
  });
});
