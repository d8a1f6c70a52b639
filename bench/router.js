// Router cost: requests/s and p50/p99 latency straight to an instance, through the EDS router, and through
// nginx proxying to the same two instances with the same weights, with the same autocannon load, in one run.
// Prints one JSON object. Needs `npm run build` (imports packages/core/dist) and /usr/sbin/nginx (optional:
// without it the nginx row is null).
//
//   node bench/router.js [--duration 8] [--connections 32]
//
// Fairness: the router is one Node process (one core), so nginx runs with one worker; both keep upstream
// connections alive. The agent runs in its own process (as in production), not in the load generator's.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ensureLocalAgent, stopLocalAgent } from '../packages/core/dist/targets/host/index.js';

const NGINX = '/usr/sbin/nginx';
const HELLO = fileURLToPath(new URL('../examples/hello/server.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const duration = option('duration', 8);
const connections = option('connections', 32);
const weights = { v1: 80, v2: 20 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function load(url, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, pipelining: 1 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/**
 * autocannon's latency histogram has 1 ms resolution, too coarse for a 1 ms goal. So latency is also taken
 * unloaded and precisely: sequential requests on one keep-alive connection, timed with hrtime.
 */
async function sequentialLatency(url, count = 2000) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  agent.destroy();
  samples.sort((a, b) => a - b);
  const at = (q) =>
    Number(samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)].toFixed(3));
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function measure(url) {
  await load(url, 2); // warm-up: JIT, keep-alive pools
  const r = await load(url, duration);
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    meanMs: Number(r.latency.average.toFixed(3)),
    errors: r.errors + r.timeouts + r.non2xx,
    unloaded: await sequentialLatency(url),
  };
}

async function waitUntil(check, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startNginx(dir, upstreamPorts, port) {
  const [p1, p2] = upstreamPorts;
  const conf = `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream hello {
    server 127.0.0.1:${p1} weight=${weights.v1};
    server 127.0.0.1:${p2} weight=${weights.v2};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://hello;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, 'nginx');
  return child;
}

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'eds-bench-router-'));
  let nginx;
  try {
    const target = await ensureLocalAgent({ stateDir: join(dir, 'state') });
    const health = {
      http: '/healthz',
      intervalMs: 200,
      timeoutMs: 1000,
      healthyThreshold: 1,
      unhealthyThreshold: 3,
    };
    const run = { command: `${JSON.stringify(process.execPath)} ${JSON.stringify(HELLO)}` };
    for (const version of Object.keys(weights)) {
      await target.deploy({ component: 'bench', version, instances: 1, run, health, env: {} });
    }
    await waitUntil(async () => {
      const all = await Promise.all(Object.keys(weights).map((v) => target.health('bench', v)));
      return all.every((s) => s?.healthy === 1);
    }, 'healthy instances');
    const traffic = await target.router.setWeights('bench', weights);
    const [direct] = await target.directUrls('bench', 'v1');
    const ports = await Promise.all(
      Object.keys(weights).map(async (v) => Number(new URL((await target.directUrls('bench', v))[0]).port)),
    );

    const result = {
      benchmark: 'router',
      node: process.version,
      load: { tool: 'autocannon', connections, durationSeconds: duration, pipelining: 1, warmupSeconds: 2 },
      weights,
      direct: await measure(direct),
      router: await measure(traffic.endpoint),
      nginx: null,
    };
    if (existsSync(NGINX)) {
      const port = await freePort();
      nginx = await startNginx(dir, ports, port);
      result.nginx = { ...(await measure(`http://127.0.0.1:${port}/`)), version: 'nginx (1 worker)' };
    }
    const added = (row, base) => (row ? Number((row.p50Ms - base.p50Ms).toFixed(3)) : null);
    // Added latency: unloaded (precise) and under the full autocannon load (1 ms resolution, with queueing).
    result.addedP50Ms = {
      router: added(result.router.unloaded, result.direct.unloaded),
      nginx: added(result.nginx?.unloaded, result.direct.unloaded),
      routerUnderLoad: added(result.router, result.direct),
      nginxUnderLoad: added(result.nginx, result.direct),
    };
    result.routerToNginxThroughput = result.nginx
      ? Number((result.router.requestsPerSecond / result.nginx.requestsPerSecond).toFixed(3))
      : null;
    result.goals = {
      addedP50AtMost1ms: result.addedP50Ms.router <= 1,
      atLeastHalfOfNginxThroughput:
        result.routerToNginxThroughput === null ? null : result.routerToNginxThroughput >= 0.5,
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    if (nginx) {
      nginx.kill('SIGQUIT');
      await new Promise((resolve) => nginx.once('exit', resolve));
    }
    await stopLocalAgent(join(dir, 'state')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
