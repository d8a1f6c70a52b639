import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { HostTarget, startAgent, type RunningAgent } from '../../src/targets/host/index.js';
import { fastHealth, helloRun, tempDir, waitFor, waitHealthy } from './helpers.js';

describe('bad input to the agent', () => {
  let agent: RunningAgent;
  let target: HostTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir('badinput');
    agent = await startAgent({ stateDir: dir.path, stopGraceMs: 2000, backoffInitialMs: 100 });
    target = new HostTarget({ url: agent.url, token: agent.token });
    await target.deploy({
      component: 'web',
      version: '1',
      instances: 1,
      run: helloRun,
      health: fastHealth,
      env: {},
    });
    await waitHealthy(target, 'web', '1', 1);
  });

  afterAll(async () => {
    await agent?.close();
    await dir?.remove();
  });

  it('reports a run command that exits at once as crashed, with its exit code, and keeps restarting it', async () => {
    await target.deploy({
      component: 'dies',
      version: '1',
      instances: 1,
      run: { command: 'echo boom >&2; exit 3' },
      health: fastHealth,
      env: {},
    });
    const crashed = await waitFor('a reported crash loop', async () => {
      const i = (await target.health('dies', '1'))?.instances[0];
      return i && i.state === 'crashed' && i.restarts >= 2 ? i : undefined;
    });
    expect(crashed.lastError).toBe('exited with code 3');
    expect(crashed.lastExit).toBe('exited with code 3');
    expect((await target.health('dies', '1'))?.healthy).toBe(0);
    const endpoint = (await target.router.getState('dies'))?.endpoint ?? '';
    expect((await fetch(endpoint)).status).toBe(503); // never routed to
    expect(await readFile(join(dir.path, 'logs', 'dies', '1', 'dies-1-0.log'), 'utf8')).toContain('boom');
  });

  it('refuses a router port that is already taken, with a clear error, and creates nothing', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const deploy = target.deploy({
        component: 'taken',
        version: '1',
        instances: 1,
        run: helloRun,
        health: fastHealth,
        env: {},
        routerPort: port,
      });
      await expect(deploy).rejects.toMatchObject({
        code: 'PORT_IN_USE',
        exitCode: 2,
        message: `router port ${port} for component taken is already in use on 127.0.0.1`,
      });
      expect(await target.health('taken', '1')).toBeUndefined();
      expect(await target.router.getState('taken')).toBeUndefined();
    } finally {
      blocker.close();
    }
  });

  it('shows a version whose health path 404s as unhealthy with the reason, and sends it no traffic', async () => {
    // hello answers every path, so this version is a server that knows none.
    const notFound = `${JSON.stringify(process.execPath)} -e "require('http').createServer((q, s) => { s.statusCode = 404; s.end(); }).listen(process.env.PORT, '127.0.0.1')"`;
    await target.deploy({
      component: 'web',
      version: '2',
      instances: 2,
      run: { command: notFound },
      health: { ...fastHealth, http: '/healthz' },
      env: {},
    });
    await target.router.setWeights('web', { '1': 50, '2': 50 });
    const status = await waitFor('unhealthy instances', async () => {
      const s = await target.health('web', '2');
      // A slow start can fail the first probes with ECONNREFUSED; the 404 is what it settles on.
      return s?.instances.every((i) => i.state === 'unhealthy' && i.lastError === 'GET /healthz -> 404')
        ? s
        : undefined;
    });
    expect(status.healthy).toBe(0);
    expect(status.instances.map((i) => i.lastError)).toEqual(['GET /healthz -> 404', 'GET /healthz -> 404']);
    const endpoint = (await target.router.getState('web'))?.endpoint ?? '';
    for (let i = 0; i < 20; i++) {
      const res = await fetch(endpoint);
      await res.text();
      expect(res.headers.get('x-eds-version')).toBe('1');
    }
    await target.router.switchTo('web', '1');
    await target.remove('web', '2');
  });

  it('answers 401 to a wrong or missing token and changes nothing', async () => {
    const before = await target.listComponents();
    const intruder = new HostTarget({ url: agent.url, token: 'not-the-token' });
    await expect(intruder.router.switchTo('web', '1')).rejects.toMatchObject({
      code: 'AGENT_UNAUTHORIZED',
      exitCode: 2,
    });
    await expect(intruder.scale('web', '1', 5)).rejects.toMatchObject({ code: 'AGENT_UNAUTHORIZED' });
    await expect(intruder.remove('web', '1')).rejects.toMatchObject({ code: 'AGENT_UNAUTHORIZED' });
    await expect(
      intruder.deploy({
        component: 'x',
        version: '1',
        instances: 1,
        run: helloRun,
        health: fastHealth,
        env: {},
      }),
    ).rejects.toMatchObject({
      code: 'AGENT_UNAUTHORIZED',
    });
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Basic abc' },
      { authorization: `Bearer ${agent.token}x` },
    ]) {
      const res = await fetch(`${agent.url}/v1/components/web/versions/1`, { method: 'DELETE', headers });
      expect(res.status).toBe(401);
    }
    const after = await target.listComponents();
    const shape = (list: typeof before): unknown =>
      list.map((c) => ({
        c: c.component,
        w: c.weights,
        v: c.versions.map((v) => [v.version, v.desired, v.instances.map((i) => i.id)]),
      }));
    expect(shape(after)).toEqual(shape(before));
  });

  it('rejects a missing working directory and out-of-range values with the field path', async () => {
    await expect(
      target.deploy({
        component: 'web',
        version: '3',
        instances: 1,
        run: { ...helloRun, cwd: '/does/not/exist' },
        health: fastHealth,
        env: {},
      }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('run.cwd') });
    await expect(
      target.deploy({
        component: 'web',
        version: '3',
        instances: 1000,
        run: helloRun,
        health: fastHealth,
        env: {},
      }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('body.instances') });
    await expect(target.scale('web', 'missing', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(target.health('web', 'missing')).resolves.toBeUndefined();
  });

  it('never crashes on random request bodies: always 400 with a message (property)', async () => {
    const put = async (
      body: string,
      path = '/v1/components/fuzz/versions/1',
    ): Promise<{ status: number; message: unknown }> => {
      const res = await fetch(`${agent.url}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
        body,
      });
      const json = (await res.json()) as { error?: { message?: unknown } };
      return { status: res.status, message: json.error?.message };
    };
    // Zero instances: a mutated body that happens to be valid deploys nothing.
    const valid = { instances: 0, run: helloRun, health: fastHealth, env: {} };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          // Mostly-valid bodies with one field replaced by anything: reaches the deeper validation.
          fc
            .record({ field: fc.constantFrom('run', 'health', 'env'), value: fc.jsonValue() })
            .map(({ field, value }) => ({
              ...valid,
              [field]: value,
            })),
          fc
            .oneof(
              fc.double(),
              fc.string(),
              fc.integer({ min: 65 }),
              fc.integer({ max: -1 }),
              fc.constant(null),
            )
            .map((instances) => ({ ...valid, instances })),
          fc
            .record({
              field: fc.constantFrom('intervalMs', 'timeoutMs', 'http', 'tcp', 'command', 'healthyThreshold'),
              value: fc.jsonValue(),
            })
            .map(({ field, value }) => ({ ...valid, health: { ...fastHealth, [field]: value } })),
        ),
        async (body) => {
          const result = await put(JSON.stringify(body));
          // A mutated body can happen to be valid (e.g. routerPort absent): then it deploys, which is fine,
          // but we never want a crash (5xx) or an error without a message.
          if (result.status === 200) return;
          expect(result.status).toBe(400);
          expect(typeof result.message).toBe('string');
          expect(String(result.message)).toMatch(/^(body|path)/);
        },
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const result = await put(text);
        expect(result.status).toBe(400);
        expect(typeof result.message).toBe('string');
      }),
      { numRuns: 50 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (segment) => {
        const result = await put('{}', `/v1/components/${encodeURIComponent(segment)}/versions/x`);
        expect([400, 404]).toContain(result.status);
        expect(typeof result.message).toBe('string');
      }),
      { numRuns: 50 },
    );
    expect((await target.ping()).ok).toBe(true);
    await target.removeComponent('fuzz');
  });
});
