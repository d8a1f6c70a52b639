import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  defaultAgentEntry,
  ensureLocalAgent,
  localAgentStatus,
  stopLocalAgent,
  type HostTarget,
} from '../../src/targets/host/index.js';
import { AGENT_MAIN, fastHealth, helloRun, tempDir, waitFor, waitHealthy } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function instancePids(target: HostTarget, version: string): Promise<number[]> {
  const status = await target.health('web', version);
  return (status?.instances ?? []).map((i) => i.pid).filter((pid): pid is number => pid !== undefined);
}

describe('local agent process: SIGKILL and restart', () => {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;

  afterAll(async () => {
    if (dir) {
      await stopLocalAgent(dir.path).catch(() => undefined);
      await dir.remove();
    }
  });

  it('finds the compiled agent entry from the TypeScript sources', () => {
    expect(defaultAgentEntry()).toBe(AGENT_MAIN);
  });

  it('brings back instances, weights and match rules after a SIGKILL, and kills the orphans', async () => {
    dir = await tempDir('restart');
    const target = await ensureLocalAgent({ stateDir: dir.path });
    const first = await target.ping();
    // A second call reuses the running agent.
    expect((await (await ensureLocalAgent({ stateDir: dir.path })).ping()).pid).toBe(first.pid);

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
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: {},
    });
    await Promise.all([waitHealthy(target, 'web', 'stable', 2), waitHealthy(target, 'web', 'canary', 1)]);
    const before = await target.router.setWeights('web', { stable: 80, canary: 20 }, [
      { version: 'canary', header: { name: 'x-canary', value: '1' } },
    ]);
    const orphans = [...(await instancePids(target, 'stable')), ...(await instancePids(target, 'canary'))];
    expect(orphans).toHaveLength(3);

    process.kill(first.pid, 'SIGKILL');
    await waitFor('the agent to die', () => !alive(first.pid));
    // Its instances outlive it (they are in their own process groups)...
    expect(orphans.every(alive)).toBe(true);

    const again = await ensureLocalAgent({ stateDir: dir.path });
    const second = await again.ping();
    expect(second.pid).not.toBe(first.pid);
    // ...same URL and token: a client that held them (a later CI job) keeps working.
    expect(again.url).toBe(target.url);
    await Promise.all([waitHealthy(target, 'web', 'stable', 2), waitHealthy(target, 'web', 'canary', 1)]);
    const after = await target.router.getState('web');
    expect(after).toEqual(before);
    // ...and the orphans were stopped, replaced by fresh instances.
    await waitFor('orphans to be gone', () => orphans.every((pid) => !alive(pid)), 5000);

    const canary = await fetch(after?.endpoint ?? '', { headers: { 'x-canary': '1' } });
    await canary.text();
    expect(canary.headers.get('x-eds-version')).toBe('canary');

    const status = await localAgentStatus(dir.path);
    expect(status).toMatchObject({ running: true, pid: second.pid, url: target.url });
    expect(status.components?.[0]?.versions.map((v) => v.version).sort()).toEqual(['canary', 'stable']);
    const { token } = JSON.parse(await readFile(join(dir.path, 'agent.json'), 'utf8')) as { token: string };
    expect(JSON.stringify(status)).not.toContain(token);

    const fresh = [...(await instancePids(target, 'stable')), ...(await instancePids(target, 'canary'))];
    expect(await stopLocalAgent(dir.path)).toEqual({ stopped: true, pid: second.pid });
    expect(fresh.some(alive)).toBe(false);
    expect(await localAgentStatus(dir.path)).toMatchObject({ running: false });
  });
});
