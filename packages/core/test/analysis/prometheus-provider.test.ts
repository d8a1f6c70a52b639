import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVirtualClock, runAnalysis } from '../../src/analysis/index.js';
import { measure, ScriptedMetrics, sendJson, startServer, type TestServer } from './helpers.js';

const PROMETHEUS = '/usr/bin/prometheus';
const STARTUP_LIMIT_MS = 30_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitFor<T>(
  what: string,
  deadline: number,
  probe: () => Promise<T | undefined>,
  log: () => string,
): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} within ${STARTUP_LIMIT_MS}ms; prometheus output:\n${log().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const available = existsSync(PROMETHEUS);
if (!available && process.env.CI) {
  // In CI the Debian package is installed by .ci/run: a missing binary is a broken setup, not a reason to skip.
  throw new Error(`${PROMETHEUS} is missing but CI is set: install the Debian package "prometheus"`);
}
if (!available)
  console.warn(
    `prometheus provider: ${PROMETHEUS} not found, skipping the real-Prometheus tests (they run in CI)`,
  );

(available ? describe : describe.skip)('prometheus provider against a real Prometheus', () => {
  let exporter: TestServer;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let address: string;
  let output = '';

  beforeAll(async () => {
    const deadline = Date.now() + STARTUP_LIMIT_MS;
    exporter = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        [
          '# TYPE eds_test_error_ratio gauge',
          'eds_test_error_ratio{version="1.0.0"} 0.01',
          'eds_test_error_ratio{version="2.0.0"} 0.3',
          '',
        ].join('\n'),
      );
    });
    dir = await mkdtemp(join(tmpdir(), 'eds-prometheus-'));
    const port = await freePort();
    address = `http://127.0.0.1:${port}`;
    const target = exporter.url.replace('http://', '');
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: eds-test\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    prometheus.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      'prometheus was not ready',
      deadline,
      async () => ((await fetch(`${address}/-/ready`)).ok ? true : undefined),
      () => output,
    );
    // Ready is not scraped: wait until the first scrape has stored both series.
    await waitFor(
      'the test series were not scraped',
      deadline,
      async () => {
        const body = (await (
          await fetch(`${address}/api/v1/query?query=count(eds_test_error_ratio)`)
        ).json()) as {
          data: { result: { value: [number, string] }[] };
        };
        return body.data.result[0]?.value[1] === '2' ? true : undefined;
      },
      () => output,
    );
  }, STARTUP_LIMIT_MS + 5_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await exporter?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads a vector with one series, filling the version into the query', async () => {
    const metric = {
      provider: 'prometheus',
      url: address,
      query: 'eds_test_error_ratio{version="{{version}}"}',
      condition: '< 0.05',
    };
    expect(await measure(metric)).toEqual({ kind: 'value', value: 0.3 });
    expect(await measure(metric, { version: '1.0.0', role: 'stable' })).toEqual({
      kind: 'value',
      value: 0.01,
    });
  });

  it('reads a scalar', async () => {
    expect(
      await measure({
        provider: 'prometheus',
        url: `${address}/`,
        query: 'scalar(sum(eds_test_error_ratio))',
        condition: '< 1',
      }),
    ).toEqual({
      kind: 'value',
      value: 0.31,
    });
  });

  it('is inconclusive on an empty result', async () => {
    expect(
      await measure({
        provider: 'prometheus',
        url: address,
        query: 'eds_test_error_ratio{version="9.9.9"}',
        condition: '< 1',
      }),
    ).toEqual({
      kind: 'inconclusive',
      reason: 'query "eds_test_error_ratio{version=\\"9.9.9\\"}" returned no data',
    });
  });

  it('reports a bad query and several series as provider errors', async () => {
    await expect(
      measure({ provider: 'prometheus', url: address, query: 'sum(', condition: '< 1' }),
    ).rejects.toThrow(
      /^Prometheus http:\/\/127\.0\.0\.1:\d+\/ rejected query "sum\(": bad_data: .*parse error/,
    );
    await expect(
      measure({ provider: 'prometheus', url: address, query: 'eds_test_error_ratio', condition: '< 1' }),
    ).rejects.toThrow(
      'query "eds_test_error_ratio" returned 2 series; aggregate it to one (e.g. sum(...) or max(...))',
    );
  });

  it('fails an analysis comparing the canary with the stable version', async () => {
    const verdict = await runAnalysis({
      template: {
        interval: '1s',
        count: 3,
        metrics: [
          {
            name: 'errors',
            provider: 'prometheus',
            url: address,
            query: 'eds_test_error_ratio{version="{{version}}"}',
            condition: '<= stable * 2',
          },
        ],
      },
      component: 'web',
      canaryVersion: '2.0.0',
      stableVersion: '1.0.0',
      metrics: new ScriptedMetrics({}),
      clock: createVirtualClock(Date.parse('2025-01-01T00:00:00Z')),
    });
    expect(verdict.phase).toBe('Failed');
    expect(verdict.message).toBe(
      'errors 0.3 failed condition <= stable * 2 (1 of 1 measurements failed, limit 0, stable 0.01)',
    );
    expect(verdict.failingMeasurement).toMatchObject({
      metric: 'errors',
      value: 0.3,
      stableValue: 0.01,
      phase: 'Failed',
    });
  });
});

describe('prometheus provider against the documented response shapes', () => {
  let server: TestServer;
  const responses: Record<string, [number, unknown]> = {
    ok: [
      200,
      {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { job: 'x' }, value: [1700000000.1, '0.5'] }] },
      },
    ],
    nanVector: [
      200,
      { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] } },
    ],
    nanScalar: [200, { status: 'success', data: { resultType: 'scalar', result: [1, 'NaN'] } }],
    inf: [200, { status: 'success', data: { resultType: 'scalar', result: [1, '+Inf'] } }],
    empty: [200, { status: 'success', data: { resultType: 'vector', result: [] } }],
    matrix: [200, { status: 'success', data: { resultType: 'matrix', result: [] } }],
    string: [200, { status: 'success', data: { resultType: 'string', result: [1, 'x'] } }],
    badData: [
      400,
      { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' },
    ],
    timeout: [
      503,
      { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' },
    ],
    execution: [422, { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' }],
    gateway: [502, '<html>bad gateway</html>'],
    notPrometheus: [200, { hello: 'world' }],
    brokenSample: [
      200,
      { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: 'x' }] } },
    ],
  };

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = url.searchParams.get('query') ?? '';
      const [status, body] =
        url.pathname === '/api/v1/query' ? (responses[query] ?? [404, 'no']) : [404, 'no'];
      sendJson(res, status, body);
    });
  });
  afterAll(async () => server.close());

  const run = (query: string, extra: Record<string, unknown> = {}) =>
    measure({ provider: 'prometheus', url: server.url, query, condition: '< 1', ...extra });

  it('reads values and sends the query URL-encoded with headers', async () => {
    expect(await run('ok', { headers: { authorization: 'Bearer {{component}}' } })).toEqual({
      kind: 'value',
      value: 0.5,
    });
    expect(server.requests.at(-1)).toMatchObject({
      url: '/api/v1/query?query=ok',
      headers: { authorization: 'Bearer web' },
    });
    expect(await run('inf')).toEqual({ kind: 'value', value: Number.POSITIVE_INFINITY });
  });

  it('treats no data and NaN as inconclusive', async () => {
    expect(await run('empty')).toMatchObject({
      kind: 'inconclusive',
      reason: 'query "empty" returned no data',
    });
    expect(await run('nanVector')).toMatchObject({
      kind: 'inconclusive',
      reason: 'query "nanVector" returned NaN',
    });
    expect(await run('nanScalar')).toMatchObject({ kind: 'inconclusive' });
  });

  it('turns error responses into provider errors', async () => {
    const cases: [string, RegExp][] = [
      ['badData', /rejected query "badData": bad_data: invalid parameter "query": 1:5: parse error/],
      ['timeout', /rejected query "timeout": timeout: query timed out/],
      ['execution', /rejected query "execution": execution: many-to-many/],
      ['gateway', /answered 502: <html>bad gateway<\/html>/],
      ['notPrometheus', /not a Prometheus query response/],
      ['matrix', /returned a matrix; expected a vector or scalar/],
      ['string', /returned a string; expected a vector or scalar/],
      ['brokenSample', /unreadable sample/],
    ];
    for (const [query, message] of cases) await expect(run(query)).rejects.toThrow(message);
  });
});
