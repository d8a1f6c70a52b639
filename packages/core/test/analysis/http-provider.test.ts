import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProviderError } from '../../src/analysis/index.js';
import { clearSecretsForTesting, SecretValue } from '../../src/secrets/index.js';
import { measure, sendJson, startServer, type TestServer } from './helpers.js';

describe('http provider (real HTTP server on 127.0.0.1)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/score':
          return sendJson(res, 200, { data: { value: 0.97, versions: [{ v: url.searchParams.get('v') }] } });
        case '/string':
          return sendJson(res, 200, { value: '12.5' });
        case '/bool':
          return sendJson(res, 200, { healthy: true });
        case '/nan':
          return sendJson(res, 200, { value: 'NaN' });
        case '/bare':
          return sendJson(res, 200, 42);
        case '/auth':
          return req.headers.authorization === 'Bearer s3cr3t-token-value'
            ? sendJson(res, 200, { ok: 1 })
            : sendJson(res, 401, { error: 'unauthorized' });
        case '/500':
          return sendJson(res, 500, 'upstream exploded');
        case '/html':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html>hello</html>');
        case '/slow':
          setTimeout(() => sendJson(res, 200, { value: 1 }), 3000).unref();
          return;
        default:
          return sendJson(res, 404, { error: 'not found' });
      }
    });
  });
  afterAll(async () => {
    await server.close();
    clearSecretsForTesting();
  });

  it('picks a number with a JSON path, filling {{version}} into the URL', async () => {
    const reading = await measure({
      provider: 'http',
      url: `${server.url}/score?v={{version}}`,
      jsonPath: '$.data.value',
      condition: '>= 0.9',
    });
    expect(reading).toEqual({ kind: 'value', value: 0.97 });
    expect(server.requests.at(-1)?.url).toBe('/score?v=2.0.0');
  });

  it('accepts numeric strings, booleans and a bare number document', async () => {
    expect(
      await measure({ provider: 'http', url: `${server.url}/string`, jsonPath: 'value', condition: '< 20' }),
    ).toEqual({ kind: 'value', value: 12.5 });
    expect(
      await measure({ provider: 'http', url: `${server.url}/bool`, jsonPath: 'healthy', condition: '== 1' }),
    ).toEqual({ kind: 'value', value: 1 });
    expect(await measure({ provider: 'http', url: `${server.url}/bare`, condition: '== 42' })).toEqual({
      kind: 'value',
      value: 42,
    });
    expect(
      await measure({ provider: 'http', url: `${server.url}/nan`, jsonPath: 'value', condition: '< 1' }),
    ).toMatchObject({ kind: 'inconclusive' });
  });

  it('sends headers and keeps secrets out of messages', async () => {
    const token = new SecretValue('s3cr3t-token-value');
    expect(
      await measure({
        provider: 'http',
        url: `${server.url}/auth`,
        jsonPath: 'ok',
        condition: '== 1',
        headers: { authorization: `Bearer ${token.reveal()}` },
      }),
    ).toEqual({ kind: 'value', value: 1 });
    const failure = measure({
      provider: 'http',
      url: `${server.url}/auth?token=${token.reveal()}`,
      jsonPath: 'ok',
      condition: '== 1',
    });
    await expect(failure).rejects.toThrow(ProviderError);
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toBe(`GET ${server.url}/auth answered 401: {"error":"unauthorized"}`);
  });

  it('turns bad answers into provider errors, not failures', async () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['/500', undefined, /answered 500: upstream exploded/],
      ['/missing', 'value', /answered 404/],
      ['/html', 'value', /did not return JSON: <html>hello<\/html>/],
      ['/score', '$.data.nope', /no value at \$\.data\.nope in/],
      ['/score', '$.data', /value at \$\.data is not a number/],
    ];
    for (const [path, jsonPath, message] of cases) {
      const metric = {
        provider: 'http',
        url: `${server.url}${path}`,
        condition: '< 1',
        ...(jsonPath ? { jsonPath } : {}),
      };
      await expect(measure(metric)).rejects.toThrow(message);
    }
  });

  it('gives up after the timeout and when nothing listens', async () => {
    await expect(
      measure(
        { provider: 'http', url: `${server.url}/slow`, jsonPath: 'value', condition: '< 2' },
        { timeoutMs: 200 },
      ),
    ).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/slow failed: no answer within 200ms/);
    const gone = await startServer(() => undefined);
    await gone.close();
    await expect(measure({ provider: 'http', url: `${gone.url}/x`, condition: '< 2' })).rejects.toThrow(
      /GET http:\/\/127\.0\.0\.1:\d+\/x failed: fetch failed: connect ECONNREFUSED/,
    );
  });
});
