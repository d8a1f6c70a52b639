import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GENERIC_STEP_KINDS } from '../../src/pipeline/index.js';
import { delay, logsOf, oneStage, runDefinition, statusOf } from './helpers.js';

/** Alive and not a zombie (a killed child may linger as a zombie until its parent is reaped). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitForPid(file: string): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (text) return Number(text);
    }
    await delay(10);
  }
  throw new Error('the command never wrote its pid');
}

async function waitUntilGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i += 1) {
    if (!isAlive(pid)) return true;
    await delay(20);
  }
  return false;
}

describe('run step kind', () => {
  it('logs stdout and stderr lines, passes env and cwd, and turns $EDS_OUTPUT lines into outputs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eds-run-'));
    try {
      const { outcome } = await runDefinition(
        oneStage([
          {
            id: 'build',
            kind: 'run',
            with: {
              command: 'echo "building $APP in $(pwd)"; echo warn >&2; echo "version=1.2.3" >> "$EDS_OUTPUT"',
              env: { APP: 'hello' },
              cwd: dir,
            },
          },
          {
            id: 'ship',
            kind: 'run',
            needs: ['build'],
            if: "steps.build.outputs.version == '1.2.3'",
            with: { command: 'echo shipped' },
          },
        ]),
        GENERIC_STEP_KINDS,
      );
      expect(outcome.status).toBe('COMPLETED');
      expect(logsOf(outcome.state, 'build').sort()).toEqual([`building hello in ${dir}`, 'warn'].sort());
      expect(outcome.state.steps.build?.outputs).toEqual({ exitCode: 0, version: '1.2.3' });
      expect(logsOf(outcome.state, 'ship')).toEqual(['shipped']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on a non-zero exit code, keeping the output', async () => {
    const { outcome } = await runDefinition(
      oneStage([{ id: 'x', kind: 'run', with: { command: 'echo about to fail; exit 3' } }]),
      GENERIC_STEP_KINDS,
    );
    expect(outcome).toMatchObject({
      status: 'FAILED',
      failed: { stepId: 'x', error: 'command exited with code 3' },
    });
    expect(logsOf(outcome.state, 'x')).toEqual(['about to fail', 'failed: command exited with code 3']);
  });

  it('cancellation kills the whole process group (a real sleep started by the command)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eds-run-'));
    const pidFile = path.join(dir, 'pid');
    const controller = new AbortController();
    try {
      const running = runDefinition(
        oneStage([{ id: 'wait', kind: 'run', with: { command: `sleep 30 & echo $! > ${pidFile}; wait` } }]),
        GENERIC_STEP_KINDS,
        {
          signal: controller.signal,
        },
      );
      const pid = await waitForPid(pidFile);
      expect(isAlive(pid)).toBe(true);
      const started = Date.now();
      controller.abort();
      const { outcome } = await running;
      expect(Date.now() - started).toBeLessThan(3000);
      expect(outcome.status).toBe('CANCELLED');
      expect(statusOf(outcome.state, 'wait')).toBe('CANCELLED');
      expect(await waitUntilGone(pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a timeout kills the process group too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eds-run-'));
    const pidFile = path.join(dir, 'pid');
    try {
      const { outcome } = await runDefinition(
        oneStage([
          {
            id: 'slow',
            kind: 'run',
            timeout: '400ms',
            with: { command: `sleep 30 & echo $! > ${pidFile}; wait` },
          },
        ]),
        GENERIC_STEP_KINDS,
      );
      expect(outcome.failed).toEqual({ stepId: 'slow', error: 'timed out after 400ms' });
      expect(await waitUntilGone(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('notify step kind', () => {
  it('POSTs JSON to a webhook, fails on an error status, and only logs without a URL', async () => {
    const bodies: unknown[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push({
          path: request.url,
          type: request.headers['content-type'],
          body: JSON.parse(body) as unknown,
        });
        response.statusCode = request.url === '/broken' ? 500 : 204;
        response.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const { outcome } = await runDefinition(
        oneStage([
          {
            id: 'tell',
            kind: 'notify',
            with: {
              url: `http://127.0.0.1:${port}/hook?token=abc`,
              message: 'deployed 1.2.3',
              payload: { env: 'prod' },
            },
          },
          {
            id: 'broken',
            kind: 'notify',
            continueOnError: true,
            with: { url: `http://127.0.0.1:${port}/broken`, message: 'x' },
          },
          { id: 'local', kind: 'notify', with: { message: 'just a log line' } },
        ]),
        GENERIC_STEP_KINDS,
        { clock: () => new Date('2024-05-01T00:00:00.000Z') },
      );
      expect(bodies).toContainEqual({
        path: '/hook?token=abc',
        type: 'application/json',
        body: { message: 'deployed 1.2.3', step: 'tell', at: '2024-05-01T00:00:00.000Z', env: 'prod' },
      });
      expect(logsOf(outcome.state, 'tell')).toEqual([`notified http://127.0.0.1:${port} (204)`]);
      expect(statusOf(outcome.state, 'broken')).toBe('FAILED');
      expect(outcome.state.steps.broken?.error).toContain('answered 500');
      expect(logsOf(outcome.state, 'local')).toEqual(['just a log line']);
      expect(outcome.status).toBe('COMPLETED');
    } finally {
      server.close();
    }
  });
});
