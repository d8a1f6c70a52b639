import { describe, expect, it } from '@jest/globals';
import { clearSecretsForTesting, registerSecret } from '../../src/secrets/index.js';
import {
  createPipelineState,
  createStateSerializer,
  definePipeline,
  runPipeline,
  type PipelineState,
  type StepKindTable,
} from '../../src/pipeline/index.js';
import { delay, kind, logsOf, noop, oneStage, recordingPersist, runDefinition, statusOf } from './helpers.js';

describe('pipeline engine: scheduling', () => {
  it('runs steps in DAG order and stages in order', async () => {
    const events: string[] = [];
    const work = kind('work', async (ctx) => {
      events.push(`start ${ctx.step.id}`);
      await delay(5);
      events.push(`end ${ctx.step.id}`);
      return { status: 'completed' };
    });
    const { outcome } = await runDefinition(
      {
        name: 'dag',
        concurrency: 10,
        stages: [
          {
            id: 'one',
            steps: [
              { id: 'd', kind: 'work', needs: ['b', 'c'] },
              { id: 'b', kind: 'work', needs: ['a'] },
              { id: 'c', kind: 'work', needs: ['a'] },
              { id: 'a', kind: 'work' },
              { id: 'x', kind: 'work' },
            ],
          },
          {
            id: 'two',
            steps: [
              { id: 'e', kind: 'work' },
              { id: 'f', kind: 'work', needs: ['a'] },
            ],
          },
        ],
      },
      { work },
    );
    expect(outcome.status).toBe('COMPLETED');
    const at = (event: string): number => events.indexOf(event);
    expect(at('start b')).toBeGreaterThan(at('end a'));
    expect(at('start c')).toBeGreaterThan(at('end a'));
    expect(at('start d')).toBeGreaterThan(Math.max(at('end b'), at('end c')));
    // b and c ran in parallel; a and x too.
    expect(at('start c')).toBeLessThan(at('end b'));
    expect(at('start x')).toBeLessThan(at('end a'));
    // Stage two starts only after every step of stage one.
    const lastOfOne = Math.max(...['a', 'b', 'c', 'd', 'x'].map((id) => at(`end ${id}`)));
    expect(Math.min(at('start e'), at('start f'))).toBeGreaterThan(lastOfOne);
    expect(outcome.state.pipeline.stages.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(outcome.state.pipeline.status).toBe('COMPLETED');
  });

  it('never runs more steps at once than the concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const work = kind('work', async () => {
      running += 1;
      peak = Math.max(peak, running);
      await delay(3 + Math.floor(Math.random() * 5));
      running -= 1;
      return { status: 'completed' };
    });
    const steps = Array.from({ length: 40 }, (_, i) => ({
      id: `s${i}`,
      kind: 'work',
      ...(i >= 10 ? { needs: [`s${i % 10}`] } : {}),
    }));
    const { outcome } = await runDefinition(oneStage(steps, { concurrency: 4 }), { work });
    expect(outcome.status).toBe('COMPLETED');
    expect(peak).toBe(4);
    const override = await runDefinition(oneStage(steps, { concurrency: 4 }), { work }, { concurrency: 7 });
    expect(override.outcome.status).toBe('COMPLETED');
    expect(peak).toBe(7);
  });

  it('fails a step that outlives its timeout, aborting its signal', async () => {
    let sawAbort = false;
    const hang = kind(
      'hang',
      (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          }),
        ),
    );
    const started = Date.now();
    const { outcome } = await runDefinition(
      oneStage([
        { id: 'slow', kind: 'hang', timeout: '80ms' },
        { id: 'after', needs: ['slow'] },
      ]),
      { hang, noop },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sawAbort).toBe(true);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.failed).toEqual({ stepId: 'slow', error: 'timed out after 80ms' });
    expect(statusOf(outcome.state, 'slow')).toBe('FAILED');
    expect(statusOf(outcome.state, 'after')).toBe('CANCELLED');
    expect(outcome.state.steps.slow?.error).toBe('timed out after 80ms');
  });

  it('gives up on a step that ignores its abort after the grace period', async () => {
    const deaf = kind('deaf', () => new Promise(() => undefined));
    const { outcome } = await runDefinition(
      oneStage([{ id: 'x', kind: 'deaf', timeout: '20ms' }]),
      { deaf },
      { abortGraceMs: 30 },
    );
    expect(outcome.failed?.error).toBe('timed out after 20ms');
  });

  it('retries with exponential backoff and full jitter (injected sleep and random)', async () => {
    let calls = 0;
    const flaky = kind('flaky', () => {
      calls += 1;
      if (calls < 3) throw new Error(`boom ${calls}`);
      return { status: 'completed', outputs: { calls } };
    });
    const sleeps: number[] = [];
    const { outcome } = await runDefinition(
      oneStage([{ id: 'f', kind: 'flaky', retries: { max: 3, backoff: '100ms', maxBackoff: '1s' } }]),
      { flaky },
      {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
      },
    );
    expect(outcome.status).toBe('COMPLETED');
    expect(sleeps).toEqual([50, 100]);
    expect(outcome.state.steps.f).toMatchObject({ attempts: 3, outputs: { calls: 3 } });
    expect(outcome.state.steps.f?.error).toBeUndefined();
    expect(logsOf(outcome.state, 'f')).toEqual([
      'attempt 1 of 4 failed: boom 1; retrying in 50ms',
      'attempt 2 of 4 failed: boom 2; retrying in 100ms',
    ]);
  });

  it('stops after the last retry; backoff is capped by maxBackoff', async () => {
    let calls = 0;
    const broken = kind('broken', () => {
      calls += 1;
      throw new Error('still broken');
    });
    const sleeps: number[] = [];
    const { outcome } = await runDefinition(
      oneStage([{ id: 'b', kind: 'broken', retries: { max: 4, backoff: '100ms', maxBackoff: '250ms' } }]),
      { broken },
      {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.999,
      },
    );
    expect(calls).toBe(5);
    expect(sleeps).toEqual([99, 199, 249, 249]);
    expect(outcome).toMatchObject({ status: 'FAILED', failed: { stepId: 'b', error: 'still broken' } });
    expect(outcome.state.steps.b?.attempts).toBe(5);
  });

  it('continueOnError: the step is FAILED, its dependents run, the pipeline completes', async () => {
    const fail = kind('fail', () => {
      throw new Error('lint found 3 problems');
    });
    const { outcome } = await runDefinition(
      oneStage([
        { id: 'lint', kind: 'fail', continueOnError: true },
        { id: 'build', needs: ['lint'] },
      ]),
      { fail, noop },
    );
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.failed).toBeUndefined();
    expect(statusOf(outcome.state, 'lint')).toBe('FAILED');
    expect(statusOf(outcome.state, 'build')).toBe('COMPLETED');
    expect(outcome.state.pipeline.stages[0]?.status).toBe('COMPLETED');
  });
});

describe('pipeline engine: conditions', () => {
  const fail = kind('fail', () => {
    throw new Error('deploy failed');
  });
  const out = kind('out', () => ({ status: 'completed', outputs: { go: 'yes' } }));

  it('cancels dependents of a failed step unless their condition asks for failure() or always()', async () => {
    const ran: string[] = [];
    const track = kind('track', (ctx) => {
      ran.push(ctx.step.id);
      return { status: 'completed' };
    });
    const { outcome } = await runDefinition(
      oneStage([
        { id: 'deploy', kind: 'fail' },
        { id: 'verify', kind: 'track', needs: ['deploy'] },
        { id: 'rollback', kind: 'track', needs: ['deploy'], if: 'failure()' },
        { id: 'report', kind: 'track', needs: ['deploy'], if: 'always()' },
        { id: 'after-verify', kind: 'track', needs: ['verify'] },
        { id: 'after-rollback', kind: 'track', needs: ['rollback'], if: 'failure()' },
        { id: 'prod-only', kind: 'track', needs: ['deploy'], if: "inputs.env == 'prod'" },
      ]),
      { fail, track },
      { inputs: { env: 'prod' } },
    );
    expect(ran.sort()).toEqual(['after-rollback', 'report', 'rollback']);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.failed).toEqual({ stepId: 'deploy', error: 'deploy failed' });
    expect(statusOf(outcome.state, 'verify')).toBe('CANCELLED');
    expect(statusOf(outcome.state, 'after-verify')).toBe('CANCELLED');
    // No status function: `success() && (...)`, so a failure upstream cancels it even though env is prod.
    expect(statusOf(outcome.state, 'prod-only')).toBe('CANCELLED');
    expect(logsOf(outcome.state, 'verify')).toEqual(['cancelled: a step it depends on failed']);
  });

  it('skips a step whose condition is false (COMPLETED, skipped) and runs its dependents', async () => {
    const { outcome } = await runDefinition(
      oneStage([
        { id: 'gen', kind: 'out' },
        { id: 'when-go', needs: ['gen'], if: "steps.gen.outputs.go == 'yes'" },
        { id: 'when-no', needs: ['gen'], if: "steps.gen.outputs.go == 'no'" },
        { id: 'on-failure', needs: ['gen'], if: 'failure()' },
        { id: 'dev-only', if: "environment.tier == 'DEV'" },
        { id: 'next', needs: ['when-no', 'dev-only'] },
      ]),
      { out, noop },
      { environment: { tier: 'PROD' } },
    );
    expect(outcome.status).toBe('COMPLETED');
    expect(statusOf(outcome.state, 'when-go')).toBe('COMPLETED');
    expect(outcome.state.steps['when-go']?.skipped).toBeUndefined();
    for (const id of ['when-no', 'on-failure', 'dev-only']) {
      expect(statusOf(outcome.state, id)).toBe('COMPLETED');
      expect(outcome.state.steps[id]?.skipped).toBe(true);
    }
    expect(statusOf(outcome.state, 'next')).toBe('COMPLETED');
    expect(outcome.state.steps.next?.skipped).toBeUndefined();
  });

  it('a step without needs looks at the whole previous stage', async () => {
    const { outcome } = await runDefinition(
      {
        name: 'stages',
        stages: [
          {
            id: 'build',
            steps: [
              { id: 'ok', kind: 'noop' },
              { id: 'bad', kind: 'fail' },
            ],
          },
          {
            id: 'deploy',
            steps: [
              { id: 'ship', kind: 'noop' },
              { id: 'cleanup', kind: 'noop', if: 'failure()' },
              { id: 'needs-ok', kind: 'noop', needs: ['ok'] },
            ],
          },
        ],
      },
      { fail, noop },
    );
    expect(statusOf(outcome.state, 'ship')).toBe('CANCELLED');
    expect(statusOf(outcome.state, 'cleanup')).toBe('COMPLETED');
    expect(outcome.state.steps.cleanup?.skipped).toBeUndefined();
    expect(statusOf(outcome.state, 'needs-ok')).toBe('COMPLETED');
    expect(outcome.state.pipeline.stages.map((s) => s.status)).toEqual(['FAILED', 'CANCELLED']);
    expect(outcome.status).toBe('FAILED');
  });
});

describe('pipeline engine: cancellation', () => {
  it('aborts running steps, cancels the rest, still runs always() steps', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const wait = kind('wait', (ctx) => {
      started.push(ctx.step.id);
      if (started.length === 2) setTimeout(() => controller.abort(), 10);
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))),
      );
    });
    const cleanup = kind('cleanup', () => ({ status: 'completed' }));
    const { outcome } = await runDefinition(
      oneStage([
        { id: 'a', kind: 'wait' },
        { id: 'b', kind: 'wait' },
        { id: 'c', kind: 'wait', needs: ['a'] },
        { id: 'd', kind: 'cleanup', needs: ['c'], if: 'always()' },
        { id: 'e', kind: 'cleanup', needs: ['c'], if: 'cancelled()' },
      ]),
      { wait, cleanup },
      { signal: controller.signal },
    );
    expect(outcome.status).toBe('CANCELLED');
    expect(outcome.state.pipeline.status).toBe('CANCELLED');
    expect(['a', 'b', 'c'].map((id) => statusOf(outcome.state, id))).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(started).toEqual(['a', 'b']);
    expect(statusOf(outcome.state, 'd')).toBe('COMPLETED');
    expect(statusOf(outcome.state, 'e')).toBe('COMPLETED');
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const work = kind('work', () => {
      ran = true;
      return { status: 'completed' };
    });
    const { outcome } = await runDefinition(
      oneStage([{ id: 'a', kind: 'work' }]),
      { work },
      { signal: controller.signal },
    );
    expect(ran).toBe(false);
    expect(outcome.status).toBe('CANCELLED');
  });
});

describe('pipeline engine: logs', () => {
  it('captures lines into the record, redacted and capped with a truncation marker', async () => {
    clearSecretsForTesting();
    registerSecret('s3cr3t-token-value');
    try {
      const chatty = kind('chatty', (ctx) => {
        for (let i = 1; i <= 1000; i += 1) ctx.log(i === 500 ? 'token=s3cr3t-token-value' : `line ${i}`);
        return { status: 'completed' };
      });
      const big = kind('big', (ctx) => {
        for (let i = 0; i < 300; i += 1) ctx.log('x'.repeat(1000));
        return { status: 'completed' };
      });
      const { outcome } = await runDefinition(
        oneStage([
          { id: 'c', kind: 'chatty' },
          { id: 'b', kind: 'big' },
        ]),
        { chatty, big },
      );
      const logs = logsOf(outcome.state, 'c');
      expect(logs).toHaveLength(200);
      expect(logs.slice(0, 3)).toEqual(['line 1', 'line 2', 'line 3']);
      expect(logs[20]).toBe('… 801 lines truncated');
      expect(logs[199]).toBe('line 1000');
      const roomy = await runDefinition(
        oneStage([{ id: 'c', kind: 'chatty' }]),
        { chatty },
        { logLimits: { maxLines: 2000 } },
      );
      expect(logsOf(roomy.outcome.state, 'c')[499]).toBe('token=***');
      expect(JSON.stringify(roomy.writes)).not.toContain('s3cr3t-token-value');
      const bigLogs = logsOf(outcome.state, 'b');
      expect(Buffer.byteLength(bigLogs.join(''))).toBeLessThanOrEqual(64 * 1024);
      expect(bigLogs.some((line) => /^… \d+ lines truncated$/.test(line))).toBe(true);
    } finally {
      clearSecretsForTesting();
    }
  });
});

describe('pipeline engine: persistence', () => {
  it.each([
    ['non-idempotent', false],
    ['idempotent', true],
  ])('persists what a %s step relies on before it starts, coalescing writes', async (_label, idempotent) => {
    let durable: PipelineState | undefined;
    let persistCalls = 0;
    let inFlight = 0;
    const violations: string[] = [];
    const persist = async (state: PipelineState): Promise<void> => {
      inFlight += 1;
      persistCalls += 1;
      if (inFlight > 1) violations.push('two writes at once');
      await delay(Math.random() * 3);
      durable = structuredClone(state);
      inFlight -= 1;
    };
    const check = kind(
      'check',
      async (ctx) => {
        const saved = durable;
        // A non-idempotent step must be on record as running before it acts; an idempotent one may simply re-run.
        if (!idempotent && (!saved || statusOf(saved, ctx.step.id) !== 'IN_PROGRESS'))
          violations.push(`${ctx.step.id} started before its IN_PROGRESS was durable`);
        for (const need of ctx.step.needs ?? []) {
          if (!saved || statusOf(saved, need) !== 'COMPLETED')
            violations.push(`${ctx.step.id} started before ${need} COMPLETED was durable`);
        }
        await delay(Math.random() * 2);
        return { status: 'completed' };
      },
      idempotent,
    );
    const steps = Array.from({ length: 300 }, (_, i) => ({
      id: `s${i}`,
      kind: 'check',
      ...(i > 0
        ? { needs: [...new Set([`s${Math.floor(Math.random() * i)}`, `s${Math.floor(Math.random() * i)}`])] }
        : {}),
    }));
    const pipeline = definePipeline(oneStage(steps, { concurrency: 20 }), { check } satisfies StepKindTable);
    const outcome = await runPipeline({
      pipeline,
      state: createPipelineState(pipeline, { id: 'p' }),
      persist,
    });
    expect(violations).toEqual([]);
    expect(outcome.status).toBe('COMPLETED');
    // Durable before returning: the last write is the final state.
    expect(durable?.pipeline.status).toBe('COMPLETED');
    expect(durable).toEqual(outcome.state);
    // 300 steps make 600+ transitions; coalescing writes far fewer records.
    expect(persistCalls).toBe(outcome.persists);
    expect(persistCalls).toBeLessThan(600);
  });

  it('a stage opens only after the previous stage is durable', async () => {
    let durable: PipelineState | undefined;
    const violations: string[] = [];
    const check = kind('check', (ctx) => {
      if (
        ctx.step.id.startsWith('two') &&
        ['one-a', 'one-b'].some((id) => !durable || statusOf(durable, id) !== 'COMPLETED')
      )
        violations.push(ctx.step.id);
      return { status: 'completed' };
    });
    const pipeline = definePipeline(
      {
        name: 's',
        stages: [
          {
            id: 'one',
            steps: [
              { id: 'one-a', kind: 'check' },
              { id: 'one-b', kind: 'check' },
            ],
          },
          { id: 'two', steps: [{ id: 'two-a', kind: 'check' }] },
        ],
      },
      { check },
    );
    await runPipeline({
      pipeline,
      state: createPipelineState(pipeline, { id: 'p' }),
      persist: async (state) => {
        await delay(2);
        durable = structuredClone(state);
      },
    });
    expect(violations).toEqual([]);
  });

  it('hands persist a snapshot, and never mutates the state it was given', async () => {
    const pipeline = definePipeline(oneStage([{ id: 'a' }]), { noop });
    const state = createPipelineState(pipeline, { id: 'p', deploymentId: 'app.dev.20240101000000000.abcd' });
    const before = structuredClone(state);
    const recorder = recordingPersist();
    const outcome = await runPipeline({ pipeline, state, persist: recorder.persist });
    expect(state).toEqual(before);
    expect(recorder.last()).toEqual(outcome.state);
    expect(outcome.state.pipeline.deploymentId).toBe('app.dev.20240101000000000.abcd');
  });

  it('stops and rejects when persisting fails, without starting more steps', async () => {
    const ran: string[] = [];
    const work = kind('work', (ctx) => {
      ran.push(ctx.step.id);
      return { status: 'completed' };
    });
    const pipeline = definePipeline(
      oneStage([
        { id: 'a', kind: 'work' },
        { id: 'b', kind: 'work', needs: ['a'] },
      ]),
      { work },
    );
    await expect(
      runPipeline({
        pipeline,
        state: createPipelineState(pipeline, { id: 'p' }),
        persist: async (state) => {
          if (statusOf(state, 'a') === 'COMPLETED') throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(ran).toEqual(['a']);
  });

  it('the memoizing serializer writes exactly what JSON.stringify would, write after write', async () => {
    const serialize = createStateSerializer();
    const texts: { text: string; state: PipelineState }[] = [];
    const out = kind('out', (ctx) => {
      ctx.log(`hello from ${ctx.step.id}`);
      return { status: 'completed', outputs: { n: ctx.step.id } };
    });
    const fail = kind('fail', () => {
      throw new Error('x');
    });
    const steps = Array.from({ length: 60 }, (_, i) => ({
      id: `s${i}`,
      kind: i % 17 === 5 ? 'fail' : 'out',
      ...(i % 17 === 5 ? { continueOnError: true } : {}),
      ...(i > 0 ? { needs: [`s${Math.floor(i / 2)}`] } : {}),
      ...(i % 11 === 3 ? { if: "inputs.x == 'never'" } : {}),
    }));
    const pipeline = definePipeline(oneStage(steps, { concurrency: 5 }), { out, fail });
    await runPipeline({
      pipeline,
      state: createPipelineState(pipeline, { id: 'p' }),
      persist: async (state) => {
        texts.push({ text: serialize(state), state: structuredClone(state) });
      },
    });
    expect(texts.length).toBeGreaterThan(3);
    for (const { text, state } of texts) expect(JSON.parse(text)).toEqual(state);
    expect(texts.at(-1)?.text).toBe(JSON.stringify(texts.at(-1)?.state));
  });
});
