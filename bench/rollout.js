// Rollout benchmarks on the embedded host agent (real eds processes, real HTTP):
//  - timeToRollbackMs: from the first request a bad canary (FAIL_RATE=1) answers to the last one it answers,
//    i.e. until 100% of traffic is back on stable, at background-analysis intervals of 1 s and 10 s.
//  - controllerOverheadMs: wall time of `eds deploy` for a 5-step canary with zero pauses on instances that
//    are healthy at once (what EDS itself adds on top of the target).
// Usage: npm run build && node bench/rollout.js   (prints one JSON object; takes about a minute)
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(root, 'packages/cli/bin/eds.js');
const server = path.join(root, 'examples/hello/server.js');

function eds(file, state, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '-f', file, '--state', state, '--json', ...args], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, result: out ? JSON.parse(out) : {} }));
  });
}

function spec(dir, intervalSeconds) {
  const file = path.join(dir, 'eds.yaml');
  writeFileSync(
    file,
    `apiVersion: eds/v1
name: bench
components:
  - name: web
    version: 1.0.0
    run: { command: node ${server} }
    health: { http: /healthz, interval: 100ms }
    replicas: 2
environments:
  canary:
    tier: STAGING
    strategy:
      type: CANARY
      analysis: { interval: ${intervalSeconds}s, failureLimit: 0, inconclusiveLimit: 1000, minRequests: 5, metrics: [{ provider: router, metric: errorRate, condition: '< 0.05' }] }
      steps: [{ setWeight: 20 }, { pause: { duration: 120s } }, { setWeight: 100 }]
  fast:
    tier: STAGING
    strategy:
      type: CANARY
      steps: [{ setWeight: 20 }, { pause: { duration: 0s } }, { setWeight: 50 }, { pause: { duration: 0s } }, { setWeight: 100 }]
`,
  );
  return file;
}

/** Keep-alive traffic; records when the canary version answered first and last. */
function traffic(url, canary) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const seen = { first: undefined, last: undefined, requests: 0 };
  let stop = false;
  const deadline = Date.now() + 120_000;
  const worker = async () => {
    while (!stop && Date.now() < deadline) {
      await new Promise((resolve) => {
        http
          .get(url, { agent }, (res) => {
            seen.requests += 1;
            if (res.headers['x-version'] === canary) {
              const now = performance.now();
              seen.first ??= now;
              seen.last = now;
            }
            res.resume();
            res.on('end', resolve);
          })
          .on('error', resolve);
      });
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  return async () => {
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    return seen;
  };
}

const result = { timeToRollbackMs: {}, controllerOverheadMs: undefined };
for (const interval of [1, 10]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-bench-rollout-'));
  const state = path.join(dir, 'state');
  const file = spec(dir, interval);
  const first = await eds(file, state, ['deploy', '--env', 'canary']);
  const stop = traffic(`${first.result.endpoints.web}/`, '1.1.0');
  const bad = await eds(file, state, [
    'deploy',
    '--env',
    'canary',
    '--set-version',
    'web=1.1.0',
    '--set',
    'FAIL_RATE=1',
  ]);
  await new Promise((r) => setTimeout(r, 500));
  const seen = await stop();
  result.timeToRollbackMs[`interval${interval}s`] = {
    ms: Math.round(seen.last - seen.first),
    intervals: Math.round(((seen.last - seen.first) / (interval * 1000)) * 100) / 100,
    outcome: `${bad.result.status}/${bad.result.phase}`,
    requests: seen.requests,
  };
  await eds(file, state, ['agent', 'stop']);
}
{
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-bench-overhead-'));
  const state = path.join(dir, 'state');
  const file = spec(dir, 1);
  await eds(file, state, ['deploy', '--env', 'fast']);
  const runs = [];
  for (let i = 1; i <= 3; i += 1) {
    const start = performance.now();
    const run = await eds(file, state, ['deploy', '--env', 'fast', '--set-version', `web=1.${i}.0`]);
    runs.push({ ms: Math.round(performance.now() - start), status: run.result.status });
  }
  result.controllerOverheadMs = { runs, median: runs.map((r) => r.ms).sort((a, b) => a - b)[1] };
  await eds(file, state, ['agent', 'stop']);
}
result.goal = {
  rollbackWithinTwoIntervals: Object.values(result.timeToRollbackMs).every((r) => r.intervals <= 2),
};
console.log(JSON.stringify(result, null, 2));
