/** Shared helpers of the host-agent tests: temp state dirs, the hello service, polling, a bounded load generator. */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthCheckSpec, RunSpec, Target, VersionStatus } from '../../src/targets/target.js';

export const HELLO = fileURLToPath(new URL('../../../../examples/hello/server.js', import.meta.url));
export const AGENT_MAIN = fileURLToPath(new URL('../../dist/targets/host/agent-main.js', import.meta.url));

export const helloRun: RunSpec = { command: `${JSON.stringify(process.execPath)} ${JSON.stringify(HELLO)}` };

export const fastHealth: HealthCheckSpec = {
  http: '/healthz',
  intervalMs: 150,
  timeoutMs: 1000,
  healthyThreshold: 1,
  unhealthyThreshold: 2,
};

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `eds-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it returns a value other than undefined/false, or fail after `timeoutMs` saying `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

export function waitHealthy(
  target: Target,
  component: string,
  version: string,
  count: number,
  timeoutMs = 15_000,
): Promise<VersionStatus> {
  return waitFor(
    `${count} healthy instances of ${component} ${version}`,
    async () => {
      const status = await target.health(component, version);
      return status && status.healthy >= count ? status : undefined;
    },
    timeoutMs,
  );
}

export interface LoadOptions {
  url: string;
  /** Requests to send in all. */
  total: number;
  /** Target requests per second. */
  rate: number;
  /** Most requests in flight at once. */
  concurrency?: number;
  /** Every n-th request goes on a fresh connection (`Connection: close`); the others reuse keep-alive sockets. */
  newConnectionEvery?: number;
  headers?: Record<string, string>;
  path?: string;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** First few failures, for the assertion message. */
  failures: string[];
  versions: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
}

/**
 * A small open-loop load generator: issues `total` GET requests at `rate` per second (fewer if `concurrency`
 * requests are already waiting), mixing keep-alive and new connections, then resolves. Bounded in time: it gives
 * up after 3x the planned duration + 10 s, counting what did not answer as failed. Anything but a 200 fails.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 32;
  const every = options.newConnectionEvery ?? 3;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(options.path ?? '/', options.url);
  const result: LoadResult = {
    sent: 0,
    ok: 0,
    failed: 0,
    failures: [],
    versions: {},
    durationMs: 0,
    requestsPerSecond: 0,
  };
  const started = Date.now();
  const plannedMs = (options.total / options.rate) * 1000;
  let inflight = 0;
  let done = 0;
  const fail = (why: string): void => {
    result.failed++;
    if (result.failures.length < 10) result.failures.push(why);
  };
  return new Promise((resolve) => {
    const finish = (): void => {
      clearInterval(ticker);
      clearTimeout(guard);
      result.durationMs = Date.now() - started;
      result.failed += result.sent - done; // never answered
      result.requestsPerSecond = (done / result.durationMs) * 1000;
      agent.destroy();
      resolve(result);
    };
    const one = (index: number): void => {
      inflight++;
      result.sent++;
      const fresh = index % every === every - 1;
      const req = http.get(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          agent: fresh ? false : agent,
          headers: { ...options.headers, ...(fresh ? { connection: 'close' } : {}) },
          timeout: 10_000,
        },
        (res) => {
          const version = String(res.headers['x-eds-version'] ?? res.headers['x-version'] ?? '?');
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) {
              result.ok++;
              result.versions[version] = (result.versions[version] ?? 0) + 1;
            } else {
              fail(`HTTP ${res.statusCode} from ${version}`);
            }
            settle();
          });
          res.on('error', (error) => {
            fail(`response error ${error.message}`);
            settle();
          });
        },
      );
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        inflight--;
        done++;
        if (done === options.total) finish();
      };
      req.on('timeout', () => req.destroy(new Error('request timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        fail(`request error ${error.code ?? error.message}`);
        settle();
      });
    };
    const ticker = setInterval(() => {
      // Open loop: send what the schedule says is due by now (catching up after a pause), within the bound.
      const due = Math.min(options.total, Math.floor(((Date.now() - started) / 1000) * options.rate) + 1);
      while (result.sent < due && inflight < concurrency) one(result.sent);
    }, 5);
    const guard = setTimeout(finish, plannedMs * 3 + 10_000);
  });
}
