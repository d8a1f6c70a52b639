// The quickstart: EDS deploying examples/hello on the embedded host agent, end to end, with real traffic.
//   1. v1.0.0 goes out (first rollout: straight to 100%)
//   2. a canary of v1.1.0 under generated traffic passes analysis, pauses, and is promoted
//   3. a canary of v1.3.0 that answers 30% errors is caught by analysis and rolled back
// Then a summary table, and everything it started is stopped. Usage: npm run demo
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const spec = path.join(root, 'examples/hello/eds.yaml');
const state = process.env.EDS_STATE_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'eds-demo-'));
const bin = path.join(root, 'packages/cli/bin/eds.js');

function eds(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '-f', spec, '--state', state, '--json', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) =>
      process.stderr.write(`    ${String(d).trimEnd().split('\n').join('\n    ')}\n`),
    );
    child.on('exit', (code) => resolve({ code, result: out ? JSON.parse(out) : {} }));
  });
}

/** Steady keep-alive traffic to the router until stopped; counts answers per version. */
function traffic(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const seen = {};
  let stopped = false;
  let errors = 0;
  const loop = async () => {
    while (!stopped) {
      await new Promise((resolve) => {
        const req = http.get(url, { agent }, (res) => {
          const v = res.headers['x-version'] ?? '?';
          seen[v] = (seen[v] ?? 0) + 1;
          if (res.statusCode >= 500) errors += 1;
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', () => resolve());
      });
    }
  };
  const workers = Array.from({ length: 8 }, loop);
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      return { seen, errors };
    },
  };
}

const rows = [];
function row(step, run) {
  const r = run.result;
  rows.push([
    step,
    r.components?.map((c) => `${c.name}@${c.version}`).join(' ') ?? '-',
    r.status ?? 'error',
    r.phase ?? '-',
    String(run.code),
    r.reason ?? '',
  ]);
}

console.log(`EDS demo — state in ${state}\n`);
console.log('1) deploy hello 1.0.0');
let run = await eds(['deploy', '--env', 'demo']);
row('deploy 1.0.0', run);
const endpoint = run.result.endpoints?.web;
console.log(`   serving at ${endpoint}\n`);

console.log('2) canary of 1.1.0 under traffic: analysis, then pause until promoted');
let load = traffic(endpoint);
run = await eds(['deploy', '--env', 'demo', '--set-version', 'web=1.1.0']);
row('canary 1.1.0', run);
console.log(`   ${run.result.status} / ${run.result.phase} at ${run.result.currentStep}; promoting`);
const canaryId = run.result.id;
run = await eds(['promote', canaryId]);
// On a busy machine an analysis can be inconclusive (too few requests): that pauses for a person too.
for (let extra = 0; run.result.phase === 'PAUSED' && extra < 3; extra += 1)
  run = await eds(['promote', canaryId]);
row('promote 1.1.0', run);
let seen = await load.stop();
console.log(`   traffic by version: ${JSON.stringify(seen.seen)}\n`);

console.log('3) canary of a bad 1.3.0 (30% errors) under traffic');
load = traffic(endpoint);
run = await eds(['deploy', '--env', 'demo', '--set-version', 'web=1.3.0', '--set', 'FAIL_RATE=0.3']);
row('canary 1.3.0', run);
seen = await load.stop();
console.log(`   traffic by version: ${JSON.stringify(seen.seen)}\n`);

const final = await eds(['status', '--env', 'demo']);
await eds(['agent', 'stop']);

const headers = ['STEP', 'VERSIONS', 'STATUS', 'PHASE', 'EXIT', 'REASON'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(70, r[i].length))));
const fmt = (cells) => cells.map((c, i) => c.slice(0, 70).padEnd(widths[i])).join('  ');
console.log(fmt(headers));
for (const r of rows) console.log(fmt(r));
const serving = final.result.components?.[0];
console.log(
  `\nnow serving: web@${Object.keys(serving?.weights ?? {}).join(',')} (stable ${serving?.stableVersion ?? '-'}); agent stopped.`,
);
const ok = rows[0][2] === 'COMPLETED' && rows[2][2] === 'COMPLETED' && rows[3][3] === 'ROLLED_BACK';
process.exitCode = ok ? 0 : 1;
