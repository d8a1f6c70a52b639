import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostTarget, startAgent, type RunningAgent } from '../../src/targets/host/index.js';
import { fastHealth, helloRun, tempDir, waitFor, waitHealthy } from './helpers.js';

describe('instance supervision', () => {
  let agent: RunningAgent;
  let target: HostTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir('supervise');
    agent = await startAgent({ stateDir: dir.path, stopGraceMs: 3000, backoffInitialMs: 100 });
    target = new HostTarget({ url: agent.url, token: agent.token });
  });

  afterAll(async () => {
    await agent?.close();
    await dir?.remove();
  });

  it('restarts a killed instance, counts and reports the restart, and routes to it again', async () => {
    await target.deploy({
      component: 'svc',
      version: '1',
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: { APP_COLOR: 'red' },
    });
    const healthy = await waitHealthy(target, 'svc', '1', 1);
    const [instance] = healthy.instances;
    expect(instance?.pid).toBeDefined();
    process.kill(instance?.pid ?? 0, 'SIGKILL');

    const restarted = await waitFor('the instance to be restarted and healthy', async () => {
      const status = await target.health('svc', '1');
      const i = status?.instances[0];
      return i && i.restarts >= 1 && i.state === 'healthy' ? i : undefined;
    });
    expect(restarted.restarts).toBe(1);
    expect(restarted.lastExit).toBe('killed by signal SIGKILL');
    expect(restarted.lastError).toBeDefined();
    expect(restarted.pid).not.toBe(instance?.pid);
    expect(restarted.port).toBe(instance?.port); // same port across restarts

    const endpoint = (await target.router.getState('svc'))?.endpoint ?? '';
    const res = await fetch(`${endpoint}/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: '1', keys: ['APP_COLOR'] });

    const [direct] = await target.directUrls('svc', '1');
    expect((await fetch(`${direct}/healthz`)).status).toBe(200);

    const log = await readFile(join(dir.path, 'logs', 'svc', '1', 'svc-1-0.log'), 'utf8');
    expect(log.match(/listening/g)).toHaveLength(2);
  });

  it('scales up and down idempotently', async () => {
    await target.scale('svc', '1', 3);
    await waitHealthy(target, 'svc', '1', 3);
    const again = await target.deploy({
      component: 'svc',
      version: '1',
      instances: 3,
      run: helloRun,
      health: fastHealth,
      env: { APP_COLOR: 'red' },
    });
    expect(again.instances).toHaveLength(3);
    expect(again.healthy).toBe(3); // same spec: nothing restarted
    const down = await target.scale('svc', '1', 1);
    expect(down.instances).toHaveLength(1);
  });

  it('replaces the instances of a version whose spec changed, keeping the old ones until the new are healthy', async () => {
    const changed = await target.deploy({
      component: 'svc',
      version: '1',
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: { APP_COLOR: 'blue' },
    });
    expect(changed.instances.length).toBe(2); // the new one starting, the old one still serving
    await waitFor(
      'the old instance to leave',
      async () => (await target.health('svc', '1'))?.instances.length === 1 || undefined,
    );
    const endpoint = (await target.router.getState('svc'))?.endpoint ?? '';
    const config = (await (await fetch(`${endpoint}/config`)).json()) as { keys: string[] };
    expect(config.keys).toEqual(['APP_COLOR']);
  });
});
