import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostTarget, startAgent, type RunningAgent } from '../../src/targets/host/index.js';
import { fastHealth, helloRun, runLoad, tempDir, waitHealthy } from './helpers.js';

describe('weighted routing, match rules and router metrics', () => {
  let agent: RunningAgent;
  let target: HostTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let endpoint: string;

  beforeAll(async () => {
    dir = await tempDir('weights');
    agent = await startAgent({ stateDir: dir.path, stopGraceMs: 3000 });
    target = new HostTarget({ url: agent.url, token: agent.token });
    await target.deploy({
      component: 'web',
      version: 'stable',
      instances: 2,
      run: helloRun,
      health: fastHealth,
      env: {},
    });
    await target.deploy({
      component: 'web',
      version: 'canary',
      instances: 2,
      run: helloRun,
      health: fastHealth,
      env: {},
    });
    await Promise.all([waitHealthy(target, 'web', 'stable', 2), waitHealthy(target, 'web', 'canary', 2)]);
    endpoint = (await target.router.getState('web'))?.endpoint ?? '';
  });

  afterAll(async () => {
    await agent?.close();
    await dir?.remove();
  });

  it('sends 20% ± 3 points to the canary at weight 20, and header/cookie matches always to it', async () => {
    const state = await target.router.setWeights('web', { stable: 80, canary: 20 }, [
      { version: 'canary', header: { name: 'X-Canary', value: 'yes' } },
      { version: 'canary', cookie: { name: 'eds-track', value: 'canary' } },
    ]);
    expect(state.weights).toEqual({ stable: 80, canary: 20 });
    expect(state.matches).toHaveLength(2);

    // 1,000 req/s leaves headroom on a 2-core machine that also runs other suites; the share is what is measured.
    const weighted = await runLoad({ url: endpoint, total: 5000, rate: 1000, concurrency: 32 });
    expect(weighted.failures).toEqual([]);
    expect(weighted.failed).toBe(0);
    const share = (weighted.versions.canary ?? 0) / weighted.ok;
    expect(share).toBeGreaterThanOrEqual(0.17);
    expect(share).toBeLessThanOrEqual(0.23);

    const byHeader = await runLoad({ url: endpoint, total: 300, rate: 1000, headers: { 'x-canary': 'yes' } });
    expect(byHeader.versions).toEqual({ canary: 300 });
    const byCookie = await runLoad({
      url: endpoint,
      total: 300,
      rate: 1000,
      headers: { cookie: 'a=1; eds-track=canary; b=2' },
    });
    expect(byCookie.versions).toEqual({ canary: 300 });
    const otherValue = await runLoad({
      url: endpoint,
      total: 300,
      rate: 1000,
      headers: { 'x-canary': 'no' },
    });
    expect(otherValue.versions.stable).toBeGreaterThan(150);

    // The router counted every one of them, per version.
    const canary = await target.metrics.read('web', 'canary', 60_000);
    const stable = await target.metrics.read('web', 'stable', 60_000);
    expect(canary.requests + stable.requests).toBe(5900);
    expect(canary.requests).toBe((weighted.versions.canary ?? 0) + 600 + (otherValue.versions.canary ?? 0));
    expect(canary.errorRate).toBe(0);
    expect(canary.p50).toBeGreaterThan(0);
    expect(canary.p99).toBeGreaterThanOrEqual(canary.p95 ?? Infinity);
  });

  it('switchTo sends everything to one version and clears match rules', async () => {
    const state = await target.router.switchTo('web', 'stable');
    expect(state).toMatchObject({ weights: { stable: 100 }, matches: [] });
    const result = await runLoad({ url: endpoint, total: 200, rate: 1000, headers: { 'x-canary': 'yes' } });
    expect(result.versions).toEqual({ stable: 200 });
  });

  it('measures a failing version: errors count as 5xx in its window', async () => {
    await target.deploy({
      component: 'web',
      version: 'bad',
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: { FAIL_RATE: '0.3' },
    });
    await waitHealthy(target, 'web', 'bad', 1);
    await target.router.setWeights('web', { stable: 50, bad: 50 });
    await runLoad({ url: endpoint, total: 1000, rate: 2000 });
    const bad = await target.metrics.read('web', 'bad', 10_000);
    expect(bad.requests).toBeGreaterThan(350);
    expect(bad.errorRate).toBeGreaterThan(0.2);
    expect(bad.errorRate).toBeLessThan(0.4);
    expect((await target.metrics.read('web', 'stable', 10_000)).errors5xx).toBe(0);
    await target.router.switchTo('web', 'stable');
    await target.remove('web', 'bad');
  });

  it('rejects weights for versions that are not deployed, and weights not summing to 100', async () => {
    await expect(target.router.setWeights('web', { stable: 50, nope: 50 })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('nope'),
    });
    await expect(target.router.setWeights('web', { stable: 50 })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('summing to 100'),
    });
    expect((await target.router.getState('web'))?.weights).toEqual({ stable: 100 });
  });
});
