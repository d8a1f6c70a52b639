import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eds, EDS_BIN } from '../helpers/eds.js';
import { startLoad } from '../helpers/load.js';

const server = path.resolve('examples/hello/server.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-e2e-'));
const state = path.join(dir, 'state');
const spec = path.join(dir, 'eds.yaml');

writeFileSync(
  spec,
  `apiVersion: eds/v1
name: shop
components:
  - name: web
    version: 1.0.0
    run: { command: node ${server} }
    health: { http: /healthz, interval: 200ms }
    replicas: 2
environments:
  dev:
    tier: DEV
    strategy: { type: ROLLING, maxSurge: 1 }
  prod:
    tier: PROD
    approvals: { required: 1, approvers: [alice, bob] }
    strategy:
      type: CANARY
      analysis:
        interval: 1s
        failureLimit: 0
        inconclusiveLimit: 1000
        minRequests: 5
        metrics: [{ provider: router, metric: errorRate, condition: '< 0.05' }]
      steps:
        - setWeight: 20
        - pause: { duration: 6s }
        - pause: {}
        - setWeight: 100
  stage:
    tier: STAGING
    strategy:
      type: CANARY
      steps:
        - setWeight: 50
        - pause: { duration: 4s }
        - setWeight: 100
`,
);

const run = (args: string[], user = 'ci-bot') =>
  eds(['-f', spec, '--state', state, '--json', ...args], { env: { EDS_USER: user }, timeoutMs: 90_000 });

interface Result {
  id: string;
  status: string;
  phase: string;
  reason: string | null;
  endpoints: Record<string, string>;
  components: { version: string; weights: Record<string, number>; stableVersion: string | null }[];
}
const json = (stdout: string) => JSON.parse(stdout) as Result;

describe('deployments end to end on the host agent (real eds processes, real HTTP)', () => {
  beforeAll(async () => {
    // prod needs an approval: the first release goes out after alice approves it.
    const first = await run(['deploy', '--env', 'prod']);
    expect(first.code).toBe(0);
    expect(json(first.stdout).phase).toBe('PAUSED');
    const approved = await run(['approve', json(first.stdout).id, '--by', 'alice']);
    expect(approved.code).toBe(0);
    expect(json(approved.stdout).status).toBe('COMPLETED');
  }, 120_000);

  afterAll(async () => {
    await run(['agent', 'stop']);
  });

  it('refuses approval by a non-approver and by the requester', async () => {
    const paused = json((await run(['deploy', '--env', 'prod', '--set-version', 'web=1.1.0'], 'bob')).stdout);
    expect(paused.phase).toBe('PAUSED');
    const stranger = await run(['approve', paused.id, '--by', 'mallory']);
    expect(stranger.code).toBe(3);
    expect(stranger.stderr).toMatch(/not an approver/);
    const self = await run(['approve', paused.id, '--by', 'bob'], 'bob');
    expect(self.code).toBe(3);
    expect(self.stderr).toMatch(/cannot approve it/);
    // A second deployment to the same environment is refused with the holder named (exit 4), also after waiting.
    const second = await run(['deploy', '--env', 'prod', '--set-version', 'web=1.2.0', '--wait-lock', '1s']);
    expect(second.code).toBe(4);
    expect(second.stderr).toContain(paused.id);
    // Abort: nothing of 1.1.0 serves traffic, status CANCELLED.
    const aborted = await run(['abort', paused.id]);
    expect(aborted.code).toBe(0);
    expect(json(aborted.stdout)).toMatchObject({ status: 'CANCELLED', phase: 'ABORTED' });
    const promoteFinished = await run(['promote', paused.id]);
    expect(promoteFinished.code).toBe(2);
    expect(promoteFinished.stderr).toMatch(/already CANCELLED/);
  }, 120_000);

  it('rolls a bad canary back: analysis catches 30% errors and all traffic returns to stable', async () => {
    const paused = json(
      (await run(['deploy', '--env', 'prod', '--set-version', 'web=1.3.0', '--set', 'FAIL_RATE=0.3'], 'bob'))
        .stdout,
    );
    expect(paused.phase).toBe('PAUSED');
    const endpoint = paused.endpoints.web;
    const stop = startLoad(`${endpoint}/`);
    const result = await run(['approve', paused.id, '--by', 'alice']);
    const seen = await stop();
    expect(result.code).toBe(1);
    const record = json(result.stdout);
    expect(record).toMatchObject({ status: 'FAILED', phase: 'ROLLED_BACK' });
    expect(record.reason).toMatch(/errorRate 0\.\d+ failed condition < 0\.05/);
    expect(record.components[0]?.weights).toEqual({ '1.0.0': 100 });
    expect(seen['1.3.0'] ?? 0).toBeGreaterThan(0);
    // Within two analysis intervals (1 s) of the canary getting traffic, all traffic was back on stable:
    // from the end of the 20% weight step to the rollback that moved the weights.
    const file = path.join(state, 'store', 'records', 'shop', 'prod', record.id);
    const stored = JSON.parse(
      readFileSync(
        path.join(
          file,
          readdirSync(file)
            .filter((n) => n.endsWith('.json'))
            .sort()
            .pop() as string,
        ),
        'utf8',
      ),
    ) as {
      pipeline: { stages: { steps: { id: string; completedAt: string | null }[] }[] };
      events: { type: string; at: string }[];
      progress: { analysis: { measurements: { phase: string; value?: number }[] }[] };
    };
    const weightSet = stored.pipeline.stages
      .flatMap((st) => st.steps)
      .find((st) => st.id === 'step1-web-weight')?.completedAt;
    const rollingBack = stored.events.find((e) => e.type === 'RollingBack')?.at;
    expect(weightSet).toBeTruthy();
    expect(Date.parse(rollingBack as string) - Date.parse(weightSet as string)).toBeLessThanOrEqual(2000);
    // The record keeps the failing measurement.
    expect(
      stored.progress.analysis
        .flatMap((a) => a.measurements)
        .some((m) => m.phase === 'Failed' && (m.value ?? 0) > 0.05),
    ).toBe(true);
    // After the rollback, every request is answered by stable.
    const after = startLoad(`${endpoint}/`);
    await new Promise((r) => setTimeout(r, 500));
    const afterSeen = await after();
    expect(Object.keys(afterSeen)).toEqual(['1.0.0']);
  }, 120_000);

  it('resumes a deployment whose process was killed with SIGKILL mid-pause', async () => {
    const first = await run(['deploy', '--env', 'stage']);
    expect(first.code).toBe(0);
    const child = spawn(
      process.execPath,
      [EDS_BIN, '-f', spec, '--state', state, 'deploy', '--env', 'stage', '--set-version', 'web=2.0.0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('▶ step2-pause')) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const status = json((await run(['status', '--env', 'stage'])).stdout);
    expect(status.status).toBe('IN_PROGRESS');
    // A new deploy of another version is refused while the dead process's lock has not expired...
    expect((await run(['deploy', '--env', 'stage', '--set-version', 'web=2.1.0'])).code).toBe(4);
    // ...and `eds resume` continues where it stopped (the pause keeps its start time).
    const resumed = await run(['resume', status.id]);
    expect(resumed.code).toBe(0);
    expect(json(resumed.stdout)).toMatchObject({ status: 'COMPLETED', phase: 'COMPLETED' });
    expect(json(resumed.stdout).components[0]?.weights).toEqual({ '2.0.0': 100 });
  }, 120_000);

  it('rolls back to the previous completed deployment, fast', async () => {
    const dev1 = await run(['deploy', '--env', 'dev']);
    expect(dev1.code).toBe(0);
    const dev2 = await run(['deploy', '--env', 'dev', '--set-version', 'web=1.5.0']);
    expect(json(dev2.stdout).status).toBe('COMPLETED');
    const back = await run(['rollback', '--env', 'dev']);
    expect(back.code).toBe(0);
    expect(json(back.stdout).components[0]).toMatchObject({ version: '1.0.0', weights: { '1.0.0': 100 } });
  }, 120_000);
});
