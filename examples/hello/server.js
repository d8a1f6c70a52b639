// The reference service for EDS demos and acceptance tests. No dependencies.
//   PORT       port to listen on (default 8080)
//   VERSION    version string it reports (default: package.json version)
//   FAIL_RATE  share of requests (0..1) answered with 500, to simulate a bad release
//   LATENCY_MS added delay per request, to simulate a slow release
// Every other environment variable whose name starts with HELLO_ or APP_ is configuration; /config lists
// their names (never values: some are secrets).
import http from 'node:http';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const version = process.env.VERSION || pkg.version;
const port = Number(process.env.PORT || 8080);
const failRate = Math.min(1, Math.max(0, Number(process.env.FAIL_RATE || 0)));
const latencyMs = Math.max(0, Number(process.env.LATENCY_MS || 0));
const greeting = process.env.HELLO_GREETING || 'hello';
let served = 0;

const server = http.createServer((req, res) => {
  served += 1;
  const url = new URL(req.url || '/', 'http://localhost');
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-version': version });
    res.end(JSON.stringify(body) + '\n');
  };
  if (url.pathname === '/healthz') return send(200, { status: 'ok', version });
  if (url.pathname === '/config') {
    const keys = Object.keys(process.env)
      .filter((k) => k.startsWith('HELLO_') || k.startsWith('APP_'))
      .sort();
    return send(200, { version, keys });
  }
  if (url.pathname !== '/') return send(404, { error: `no route ${url.pathname}`, version });
  const answer = () => {
    if (failRate > 0 && Math.random() < failRate) return send(500, { error: 'simulated failure', version });
    send(200, { message: `${greeting} from ${version}`, version, served });
  };
  if (latencyMs > 0) setTimeout(answer, latencyMs);
  else answer();
});

server.keepAliveTimeout = 65000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`hello ${version} listening on 127.0.0.1:${port}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
