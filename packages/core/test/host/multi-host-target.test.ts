import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MultiHostTarget, startAgent, type RunningAgent } from '../../src/targets/host/index.js';
import { fastHealth, helloRun, runLoad, tempDir, waitHealthy } from './helpers.js';

describe('VM target over several agents', () => {
  const agents: RunningAgent[] = [];
  const dirs: Array<Awaited<ReturnType<typeof tempDir>>> = [];
  let target: MultiHostTarget;

  beforeAll(async () => {
    for (const name of ['vm1', 'vm2']) {
      const dir = await tempDir(name);
      dirs.push(dir);
      agents.push(await startAgent({ stateDir: dir.path, stopGraceMs: 2000 }));
    }
    target = new MultiHostTarget(agents.map((a) => ({ url: a.url, token: a.token })));
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await Promise.all(dirs.map((d) => d.remove()));
  });

  it('deploys on every host, routes the same way everywhere, and merges health and metrics', async () => {
    await target.deploy({
      component: 'web',
      version: '1',
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: {},
    });
    await target.deploy({
      component: 'web',
      version: '2',
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: {},
    });
    const status = await waitHealthy(target, 'web', '2', 2);
    expect(status.desired).toBe(2);
    expect(new Set(status.instances.map((i) => i.id.split('/')[0])).size).toBe(2);
    expect(await target.directUrls('web', '1')).toHaveLength(2);

    const traffic = await target.router.setWeights('web', { '1': 50, '2': 50 });
    expect(traffic.endpoints).toHaveLength(2);
    expect(traffic.endpoint).toBe(traffic.endpoints?.[0]);
    for (const endpoint of traffic.endpoints ?? []) {
      const result = await runLoad({ url: endpoint, total: 200, rate: 1000 });
      expect(result.failed).toBe(0);
    }
    const one = await target.metrics.read('web', '1', 60_000);
    const two = await target.metrics.read('web', '2', 60_000);
    expect(one.requests + two.requests).toBe(400);
    expect(one.p95).toBeGreaterThan(0);

    await target.router.switchTo('web', '2');
    await target.remove('web', '1');
    expect(await target.health('web', '1')).toBeUndefined();
    expect((await target.router.getState('web'))?.weights).toEqual({ '2': 100 });
  });
});
