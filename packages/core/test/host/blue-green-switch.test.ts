import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostTarget, startAgent, type RunningAgent } from '../../src/targets/host/index.js';
import { fastHealth, helloRun, runLoad, sleep, tempDir, waitHealthy } from './helpers.js';

describe('blue-green switch under load', () => {
  let agent: RunningAgent;
  let target: HostTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir('bluegreen');
    agent = await startAgent({ stateDir: dir.path, drainTimeoutMs: 10_000, stopGraceMs: 3000 });
    target = new HostTarget({ url: agent.url, token: agent.token });
  });

  afterAll(async () => {
    await agent?.close();
    await dir?.remove();
  });

  it('switches blue -> green -> blue -> green and removes blue with zero failed requests', async () => {
    // A few ms of latency per request, so that switches and the removal happen with requests in flight.
    const env = { LATENCY_MS: '5' };
    await target.deploy({
      component: 'web',
      version: 'blue',
      instances: 2,
      run: helloRun,
      health: fastHealth,
      env,
    });
    await waitHealthy(target, 'web', 'blue', 2);
    const state = await target.router.getState('web');
    expect(state?.weights).toEqual({ blue: 100 });
    const endpoint = state?.endpoint ?? '';

    const load = runLoad({ url: endpoint, total: 5000, rate: 400, concurrency: 48, newConnectionEvery: 3 });
    await sleep(1500);
    await target.deploy({
      component: 'web',
      version: 'green',
      instances: 2,
      run: helloRun,
      health: fastHealth,
      env,
    });
    await waitHealthy(target, 'web', 'green', 2);

    const switched = await target.router.switchTo('web', 'green');
    expect(switched.weights).toEqual({ green: 100 });
    // The switch is atomic: every request sent after it returns reaches green.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(endpoint, { headers: { connection: 'close' } });
      await res.text();
      expect(res.headers.get('x-eds-version')).toBe('green');
    }
    await sleep(1500);
    await target.router.switchTo('web', 'blue'); // a rollback is the same switch backwards
    await sleep(1000);
    await target.router.switchTo('web', 'green');
    await sleep(500);
    await target.remove('web', 'blue'); // drains blue's in-flight requests, then stops it
    expect(await target.health('web', 'blue')).toBeUndefined();

    const result = await load;
    expect({ failed: result.failed, failures: result.failures }).toEqual({ failed: 0, failures: [] });
    expect(result.ok).toBe(5000);
    expect(result.requestsPerSecond).toBeGreaterThanOrEqual(200);
    expect(result.versions.blue).toBeGreaterThan(0);
    expect(result.versions.green).toBeGreaterThan(0);

    const metrics = await target.metrics.read('web', 'green', 60_000);
    expect(metrics.requests).toBeGreaterThan(0);
    expect(metrics.errors5xx).toBe(0);
    expect(metrics.p50).toBeGreaterThan(0);
  });
});
