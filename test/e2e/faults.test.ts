import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eds, EDS_BIN } from '../helpers/eds.js';

const server = path.resolve('examples/hello/server.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-faults-'));
const state = path.join(dir, 'state');

function spec(name: string, body: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `apiVersion: eds/v1\nname: ${name}\n${body}`);
  return file;
}

const web = (extra = '', run = `node ${server}`) => `components:
  - name: web
    version: 1.0.0
    run: { command: ${run} }
    health: { http: /healthz, interval: 200ms }
    replicas: 2
${extra}`;

const canary = spec(
  'kill',
  `${web()}environments:
  prod:
    tier: PROD
    strategy:
      type: CANARY
      progressDeadline: 20s
      steps:
        - setWeight: 25
        - pause: { duration: 1s }
        - setWeight: 50
        - pause: { duration: 1s }
        - setWeight: 75
        - pause: {}
        - setWeight: 100
`,
);

interface Result {
  id: string;
  status: string;
  phase: string;
  reason: string | null;
  components: { version: string; weights: Record<string, number>; stableVersion: string | null }[];
}

const run = (file: string, args: string[]) =>
  eds(['-f', file, '--state', state, '--json', ...args], { timeoutMs: 90_000 });
const parse = (stdout: string) => JSON.parse(stdout) as Result;

afterAll(async () => {
  await eds(['--state', state, 'agent', 'stop']);
});

/** Start `eds deploy` and SIGKILL it as soon as it logs `▶ <step>` (the start of that step). */
async function deployAndKillAt(file: string, version: string, step: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [EDS_BIN, '-f', file, '--state', state, 'deploy', '--env', 'prod', '--set-version', `web=${version}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes(`▶ ${step}\n`)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => resolve());
  });
  await new Promise((r) =>
    child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r),
  );
}

describe('faults on the host agent', () => {
  it('SIGKILL of eds at every step boundary: the next command finishes the deployment, never two stable versions', async () => {
    const first = await run(canary, ['deploy', '--env', 'prod']);
    expect(first.code).toBe(0);
    const boundaries = [
      'render',
      'web-canary',
      'step1-web-weight',
      'step2-pause',
      'step3-web-weight',
      'step5-web-weight',
      'step6-pause',
      'web-full',
      'web-retire',
      'verify',
    ];
    let stable = '1.0.0';
    for (const [index, step] of boundaries.entries()) {
      const version = `2.${index}.0`;
      await deployAndKillAt(canary, version, step);
      const status = parse((await run(canary, ['status', '--env', 'prod'])).stdout);
      expect(status.id).toMatch(/^kill\.prod\./);
      // The dead process's lock blocks everyone else until it expires; its own deployment continues.
      let result = parse((await run(canary, ['resume', status.id])).stdout);
      if (result.phase === 'PAUSED') result = parse((await run(canary, ['promote', status.id])).stdout);
      expect([`COMPLETED`]).toContain(result.status);
      const weights = result.components[0]?.weights ?? {};
      expect(weights).toEqual({ [version]: 100 });
      expect(result.components[0]?.stableVersion).toBe(stable);
      stable = version;
    }
  }, 600_000);

  it('fails a version whose instances never become healthy, with the reason, and sends it no traffic', async () => {
    const file = spec(
      'unhealthy',
      `components:
  - name: web
    version: 1.0.0
    run: { command: node ${server} }
    health: { http: /healthz, interval: 200ms }
environments:
  prod:
    tier: PROD
    strategy: { type: CANARY, progressDeadline: 3s, steps: [{ setWeight: 50 }, { setWeight: 100 }] }
`,
    );
    expect((await run(file, ['deploy', '--env', 'prod'])).code).toBe(0);
    // 2.0.0 answers its health path with 404: it can never become healthy.
    writeFileSync(file, readFileSync(file, 'utf8').replace('http: /healthz', 'http: /healthz-missing'));
    const result = await run(file, ['deploy', '--env', 'prod', '--set-version', 'web=2.0.0']);
    expect(result.code).toBe(1);
    const parsed = parse(result.stdout);
    expect(parsed.reason).toMatch(/0\/1 instances healthy after the 3s progress deadline/);
    expect(parsed.reason).toMatch(/404/);
    expect(parsed.components[0]?.weights).toEqual({ '1.0.0': 100 });
  }, 120_000);

  it('fails a run command that exits at once, naming the exit', async () => {
    const file = spec(
      'crash',
      `${web('', 'sh -c "exit 3"')}environments:\n  dev: { tier: DEV, strategy: { type: ROLLING, progressDeadline: 3s } }\n`,
    );
    const result = await run(file, ['deploy', '--env', 'dev']);
    expect(result.code).toBe(1);
    expect(parse(result.stdout).reason).toMatch(/exited with code 3|code 3/);
  }, 120_000);

  it('reports a router port that is already taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const file = spec(
        'taken',
        `${web(`    port: ${port}\n`)}environments:\n  dev: { tier: DEV, strategy: { type: ROLLING } }\n`.replace(
          'replicas: 2\n    port',
          'replicas: 2\n    port',
        ),
      );
      const result = await run(file, ['deploy', '--env', 'dev']);
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(new RegExp(`${port}`));
      expect(`${result.stdout}${result.stderr}`).toMatch(/in use|taken|EADDRINUSE/i);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('survives an agent SIGKILL mid-canary: instances and weights come back and promote finishes', async () => {
    const file = spec(
      'agentkill',
      `${web()}environments:
  prod:
    tier: PROD
    strategy: { type: CANARY, steps: [{ setWeight: 30 }, { pause: {} }, { setWeight: 100 }] }
`,
    );
    expect((await run(file, ['deploy', '--env', 'prod'])).code).toBe(0);
    const paused = parse((await run(file, ['deploy', '--env', 'prod', '--set-version', 'web=1.1.0'])).stdout);
    expect(paused.phase).toBe('PAUSED');
    const info = JSON.parse(readFileSync(path.join(state, 'agent', 'agent.json'), 'utf8')) as { pid: number };
    process.kill(info.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const promoted = await run(file, ['promote', paused.id]);
    expect(promoted.code).toBe(0);
    expect(parse(promoted.stdout)).toMatchObject({ status: 'COMPLETED' });
    expect(parse(promoted.stdout).components[0]?.weights).toEqual({ '1.1.0': 100 });
  }, 120_000);
});
