import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HostTarget, startAgent, type RunningAgent } from '../../src/targets/host/index.js';
import { fastHealth, helloRun, runLoad, sleep, tempDir, waitHealthy } from './helpers.js';

describe('rolling replacement under load', () => {
  let agent: RunningAgent;
  let target: HostTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir('rolling');
    agent = await startAgent({ stateDir: dir.path, drainTimeoutMs: 10_000, stopGraceMs: 3000 });
    target = new HostTarget({ url: agent.url, token: agent.token });
  });

  afterAll(async () => {
    await agent?.close();
    await dir?.remove();
  });

  it('replaces 4 instances one at a time with zero failed requests', async () => {
    const env = { LATENCY_MS: '5' };
    await target.deploy({
      component: 'api',
      version: '1.0.0',
      instances: 4,
      run: helloRun,
      health: fastHealth,
      env,
    });
    await waitHealthy(target, 'api', '1.0.0', 4);
    const endpoint = (await target.router.getState('api'))?.endpoint ?? '';

    const load = runLoad({ url: endpoint, total: 5000, rate: 400, concurrency: 48, newConnectionEvery: 2 });
    await sleep(1500);
    // Batches of one (maxSurge 1, maxUnavailable 0): start a new instance, wait for health, shift its share
    // of the traffic, then take one old instance out (drained before it is stopped).
    for (let batch = 1; batch <= 4; batch++) {
      await target.deploy({
        component: 'api',
        version: '2.0.0',
        instances: batch,
        run: helloRun,
        health: fastHealth,
        env,
      });
      await waitHealthy(target, 'api', '2.0.0', batch);
      await target.router.setWeights('api', { '1.0.0': (4 - batch) * 25, '2.0.0': batch * 25 });
      const old = await target.scale('api', '1.0.0', 4 - batch);
      expect(old.instances).toHaveLength(4 - batch);
      await sleep(400);
    }
    await target.remove('api', '1.0.0');
    expect((await target.router.getState('api'))?.weights).toEqual({ '2.0.0': 100 });

    const result = await load;
    expect({ failed: result.failed, failures: result.failures }).toEqual({ failed: 0, failures: [] });
    expect(result.ok).toBe(5000);
    expect(result.requestsPerSecond).toBeGreaterThanOrEqual(200);
    expect(result.versions['1.0.0']).toBeGreaterThan(0);
    expect(result.versions['2.0.0']).toBeGreaterThan(0);
    const status = await target.health('api', '2.0.0');
    expect(status?.healthy).toBe(4);
  });
});
