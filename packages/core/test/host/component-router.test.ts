import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComponentRouter } from '../../src/targets/host/component-router.js';
import { RoutingTable } from '../../src/targets/host/routing-table.js';
import { Upstream } from '../../src/targets/host/upstream.js';
import { freePort } from '../../src/targets/host/free-port.js';

/** A test upstream: `/slow` answers after 300 ms, POST /drop cuts the connection, anything else answers 200. */
async function upstreamServer(name: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/drop') {
      req.socket.destroy();
      return;
    }
    const answer = (): void => {
      res.writeHead(200, { 'x-upstream': name });
      res.end(name);
    };
    if (req.url === '/slow') setTimeout(answer, 300);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('component router', () => {
  let router: ComponentRouter;
  let a: Awaited<ReturnType<typeof upstreamServer>>;

  beforeAll(async () => {
    a = await upstreamServer('a');
    router = await ComponentRouter.listen('unit', '127.0.0.1', 0);
  });

  afterAll(async () => {
    await router.close(500);
    a.server.close();
  });

  function route(upstreams: Upstream[]): void {
    router.setTable(
      new RoutingTable({
        weights: { v: 100 },
        matches: [],
        upstreams: new Map([['v', upstreams]]),
        metricsFor: (v) => router.metricsFor(v),
      }),
    );
  }

  it('answers 503 when no version has a healthy instance', async () => {
    route([]);
    const res = await fetch(router.endpoint);
    expect(res.status).toBe(503);
  });

  it('retries a body-less request on another instance when one refuses the connection', async () => {
    const dead = new Upstream('dead', 'v', '127.0.0.1', await freePort('127.0.0.1'));
    const live = new Upstream('live', 'v', '127.0.0.1', a.port);
    route([dead, live]);
    for (let i = 0; i < 6; i++) {
      const res = await fetch(router.endpoint);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('a');
    }
    expect(dead.inflight).toBe(0);
    expect(live.inflight).toBe(0);
  });

  it('answers 502 and counts a 5xx when the upstream cuts a request it cannot replay', async () => {
    route([new Upstream('a', 'v', '127.0.0.1', a.port)]);
    const before = router.metricsFor('v').totalErrors;
    const res = await fetch(`${router.endpoint}/drop`, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-eds-version')).toBe('v');
    expect(router.metricsFor('v').totalErrors).toBe(before + 1);
  });

  it('drains: an instance taken out of the table finishes its in-flight request before drain resolves', async () => {
    const upstream = new Upstream('a', 'v', '127.0.0.1', a.port);
    route([upstream]);
    const slow = fetch(`${router.endpoint}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.inflight).toBe(1);
    route([]);
    const started = Date.now();
    const drained = await upstream.drain(5000);
    expect(drained).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(150);
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('a');
  });

  it('forwards headers, strips hop-by-hop ones, and adds forwarding headers', async () => {
    const echo = http.createServer((req, res) => res.end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    route([new Upstream('e', 'v', '127.0.0.1', (echo.address() as AddressInfo).port)]);
    const res = await fetch(router.endpoint, {
      headers: { 'x-custom': '1', 'proxy-authorization': 'secret' },
    });
    const headers = (await res.json()) as Record<string, string>;
    expect(headers['x-custom']).toBe('1');
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    echo.close();
  });
});
