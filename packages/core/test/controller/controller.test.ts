import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  LockedError,
  MemoryBackend,
  parseSpec,
  PolicyError,
  RecordStore,
  type LoadedSpec,
} from '../../src/index.js';
import { MemoryTarget } from '../../../../test/fixtures/memory-target.js';

const text = `apiVersion: eds/v1
name: shop
components:
  - { name: web, version: 1.0.0, run: { command: 'true' }, replicas: 2 }
  - { name: api, version: 1.0.0, run: { command: 'true' }, replicas: 1 }
environments:
  dev: { tier: DEV, strategy: { type: ROLLING, maxSurge: 1 } }
  staging: { tier: STAGING, strategy: { type: BLUE_GREEN, autoPromote: false, scaleDownDelay: 0 } }
  prod:
    tier: PROD
    approvals: { required: 2, approvers: [alice, bob, carol] }
    strategy:
      type: CANARY
      steps:
        - setWeight: 20
        - analysis: { interval: 50ms, count: 3, failureLimit: 0, minRequests: 1, metrics: [{ provider: router, metric: errorRate, condition: '< 0.05' }] }
        - pause: {}
        - setWeight: 60
        - setWeight: 100
`;
const loaded: LoadedSpec = { spec: parseSpec(text, '/app/eds.yaml'), file: '/app/eds.yaml', text };

function setup(user = 'dev-dan') {
  const store = new RecordStore(new MemoryBackend());
  const target = new MemoryTarget();
  const make = (actor = user) =>
    new Controller({
      store,
      actor: { user: actor, frontEnd: 'test' },
      openTarget: async () => target,
      lockTtlMs: 60_000,
    });
  return { store, target, controller: make(), as: make };
}

describe('Controller (in-memory target)', () => {
  it('runs a rolling deployment to COMPLETED and releases the lock', async () => {
    const { controller, store, target } = setup();
    const record = await controller.deploy({ loaded, environment: 'dev' });
    expect(record.deployment.status).toBe('COMPLETED');
    expect(record.progress.phase).toBe('COMPLETED');
    expect(target.weights.get('web')).toEqual({ '1.0.0': 100 });
    expect((await store.getLock('shop', 'dev'))?.state).toBe('free');
    target.calls.length = 0;
    const second = await controller.deploy({ loaded, environment: 'dev', versions: { web: '1.1.0' } });
    expect(second.progress.stableVersions).toEqual({ web: '1.0.0', api: '1.0.0' });
    // Batches: surge one new instance (healthy first), shift traffic, retire one old; then the next batch.
    expect(target.calls.filter((c) => c.includes('web'))).toEqual([
      'deploy web@1.1.0 x1',
      'weights web {"1.1.0":50,"1.0.0":50}',
      'scale web@1.0.0 x1',
      'deploy web@1.1.0 x2',
      'weights web {"1.1.0":100}',
      'remove web@1.0.0',
      'remove web@1.0.0',
    ]);
    expect(target.versions.has('web@1.0.0')).toBe(false);
    expect(second.pipeline.stages.map((s) => s.id)).toEqual(['prepare', 'rollout', 'verify']);
  });

  it('gates PROD on two approvals: not the requester, not a stranger; then pauses and promotes', async () => {
    const { controller, as, target } = setup('dev-dan');
    const first = await controller.deploy({ loaded, environment: 'prod' });
    expect(first.progress).toMatchObject({ phase: 'PAUSED', pauseReason: 'approval' });
    await expect(as('mallory').approve(first.deployment.id, 'mallory', 'approved')).rejects.toBeInstanceOf(
      PolicyError,
    );
    await expect(as('dev-dan').approve(first.deployment.id, 'dev-dan', 'approved')).rejects.toThrow(
      /not an approver|cannot approve/,
    );
    const one = await as('alice').approve(first.deployment.id, 'alice', 'approved');
    expect(one.progress).toMatchObject({ phase: 'PAUSED', pauseReason: 'approval' });
    const two = await as('bob').approve(first.deployment.id, 'bob', 'approved');
    // First release: straight to 100%, nothing to compare against.
    expect(two.deployment.status).toBe('COMPLETED');
    expect(target.weights.get('web')).toEqual({ '1.0.0': 100 });

    const canary = await controller.deploy({ loaded, environment: 'prod', versions: { web: '1.1.0' } });
    await as('alice').approve(canary.deployment.id, 'alice', 'approved');
    const paused = await as('carol').approve(canary.deployment.id, 'carol', 'approved');
    expect(paused.progress).toMatchObject({
      phase: 'PAUSED',
      pauseReason: 'manual',
      currentStep: 'step3-pause',
    });
    expect(target.weights.get('web')).toEqual({ '1.1.0': 20, '1.0.0': 80 });
    expect(paused.progress.analysis[0]?.phase).toBe('Successful');
    const done = await as('ops').promote(canary.deployment.id);
    expect(done.deployment.status).toBe('COMPLETED');
    expect(target.weights.get('web')).toEqual({ '1.1.0': 100 });
    expect(done.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['Approved', 'Paused', 'Promoted', 'Completed']),
    );
    await expect(as('ops').promote(canary.deployment.id)).rejects.toThrow(/already COMPLETED/);
  });

  it('refuses a second deployment while one is paused (exit 4 naming the holder), also after --wait-lock', async () => {
    const { controller } = setup();
    await controller.deploy({ loaded, environment: 'staging' });
    const paused = await controller.deploy({ loaded, environment: 'staging', versions: { web: '2.0.0' } });
    expect(paused.progress.phase).toBe('PAUSED');
    const started = Date.now();
    const second = controller.deploy({
      loaded,
      environment: 'staging',
      versions: { web: '3.0.0' },
      waitLockMs: 300,
    });
    await expect(second).rejects.toBeInstanceOf(LockedError);
    await expect(second).rejects.toThrow(paused.deployment.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('rolls back a canary whose analysis fails, with the failing measurement in the record', async () => {
    const { controller, as, target } = setup();
    const first = await controller.deploy({ loaded, environment: 'prod' });
    await as('alice').approve(first.deployment.id, 'alice', 'approved');
    await as('bob').approve(first.deployment.id, 'bob', 'approved');
    target.errorRates.set('web@1.3.0', 0.3);
    const bad = await controller.deploy({ loaded, environment: 'prod', versions: { web: '1.3.0' } });
    await as('alice').approve(bad.deployment.id, 'alice', 'approved');
    const result = await as('bob').approve(bad.deployment.id, 'bob', 'approved');
    expect(result.deployment.status).toBe('FAILED');
    expect(result.progress.phase).toBe('ROLLED_BACK');
    expect(result.progress.reason).toMatch(/errorRate 0\.3 failed condition < 0\.05/);
    expect(result.progress.analysis[0]?.measurements[0]).toMatchObject({ phase: 'Failed', value: 0.3 });
    expect(target.weights.get('web')).toEqual({ '1.0.0': 100 });
    expect(target.versions.has('web@1.3.0')).toBe(false);
  });

  it('pauses on an inconclusive analysis for a person to decide; promote continues past it', async () => {
    const { controller, as, target } = setup();
    const first = await controller.deploy({ loaded, environment: 'prod' });
    await as('alice').approve(first.deployment.id, 'alice', 'approved');
    await as('bob').approve(first.deployment.id, 'bob', 'approved');
    target.requestCounts.set('web@1.4.0', 0);
    const canary = await controller.deploy({ loaded, environment: 'prod', versions: { web: '1.4.0' } });
    await as('alice').approve(canary.deployment.id, 'alice', 'approved');
    const paused = await as('bob').approve(canary.deployment.id, 'bob', 'approved');
    expect(paused.progress).toMatchObject({
      phase: 'PAUSED',
      pauseReason: 'manual',
      currentStep: 'step2-web-analysis',
    });
    expect(paused.progress.analysis[0]?.phase).toBe('Inconclusive');
    expect(target.weights.get('web')).toEqual({ '1.4.0': 20, '1.0.0': 80 });
    const next = await as('ops').promote(canary.deployment.id);
    expect(next.progress).toMatchObject({ phase: 'PAUSED', currentStep: 'step3-pause' });
    const done = await as('ops').promote(canary.deployment.id);
    expect(done.deployment.status).toBe('COMPLETED');
  });

  it('times out a deployment that waits too long: aborted, traffic back to stable, the reason recorded', async () => {
    const { controller, target } = setup();
    await controller.deploy({ loaded, environment: 'staging' });
    const timedOut = await controller.deploy({
      loaded,
      environment: 'staging',
      versions: { web: '2.0.0' },
      wait: true,
      timeoutMs: 400,
    });
    expect(timedOut.deployment.status).toBe('CANCELLED');
    expect(timedOut.progress.reason).toBe('timed out after 400ms');
    expect(target.weights.get('web')).toEqual({ '1.0.0': 100 });
    expect(timedOut.events.find((e) => e.type === 'AbortRequested')?.data).toEqual({ timeout: true });
  });

  it('aborts a paused deployment: traffic back to stable, CANCELLED, lock free', async () => {
    const { controller, store, target } = setup();
    await controller.deploy({ loaded, environment: 'staging' });
    const paused = await controller.deploy({ loaded, environment: 'staging', versions: { web: '2.0.0' } });
    const aborted = await controller.abort(paused.deployment.id);
    expect(aborted.deployment.status).toBe('CANCELLED');
    expect(aborted.progress.phase).toBe('ABORTED');
    expect(target.weights.get('web')).toEqual({ '1.0.0': 100 });
    expect(target.versions.has('web@2.0.0')).toBe(false);
    expect((await store.getLock('shop', 'staging'))?.state).toBe('free');
  });

  it('promote --full skips the remaining steps and analysis', async () => {
    const { controller, as, target } = setup();
    const first = await controller.deploy({ loaded, environment: 'prod' });
    await as('alice').approve(first.deployment.id, 'alice', 'approved');
    await as('bob').approve(first.deployment.id, 'bob', 'approved');
    const canary = await controller.deploy({ loaded, environment: 'prod', versions: { web: '1.1.0' } });
    await as('alice').approve(canary.deployment.id, 'alice', 'approved');
    await as('bob').approve(canary.deployment.id, 'bob', 'approved');
    target.calls.length = 0;
    const done = await as('ops').promote(canary.deployment.id, { full: true });
    expect(done.deployment.status).toBe('COMPLETED');
    expect(target.calls).not.toContain('weights web {"1.1.0":60,"1.0.0":40}');
  });

  it('fails a version that never becomes healthy and keeps traffic on stable', async () => {
    const { controller, target } = setup();
    await controller.deploy({ loaded, environment: 'dev' });
    target.unhealthy.add('web@9.0.0');
    const spec = {
      ...loaded,
      spec: parseSpec(
        text.replace('maxSurge: 1 }', 'maxSurge: 1, progressDeadline: 300ms }'),
        '/app/eds.yaml',
      ),
    };
    const failed = await controller.deploy({ loaded: spec, environment: 'dev', versions: { web: '9.0.0' } });
    expect(failed.progress.phase).toBe('ROLLED_BACK');
    expect(failed.progress.reason).toMatch(/0\/1 instances healthy .* \(GET \/healthz -> 503\)/);
    expect(target.weights.get('web')).toEqual({ '1.0.0': 100 });
  });

  it('rejects bad requests before creating anything', async () => {
    const { controller, store } = setup();
    await expect(controller.deploy({ loaded, environment: 'qa' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(
      controller.deploy({ loaded, environment: 'dev', versions: { nope: '1.0.0' } }),
    ).rejects.toThrow(/unknown component "nope"/);
    await expect(
      controller.deploy({ loaded, environment: 'dev', versions: { web: 'latest' } }),
    ).rejects.toThrow(/semantic version/);
    expect(await store.applications()).toEqual([]);
  });
});
