// GitHub Actions bundles: cold start of each action's dist/index.js to its first log line (no inputs, so the
// action starts, reads its inputs, and fails fast — the start-up is what is measured), against a bare
// `node -e "console.log(0)"`, and the size of each dist folder. Goals: ≤ 2× node's start, ≤ 2 MB per bundle.
// Usage: node bench/actions.js   (prints one JSON object)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function firstLine(args) {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(performance.now() - start);
    };
    child.stdout.once('data', finish);
    child.stderr.once('data', finish);
    child.on('exit', finish);
  });
}

async function median(args, runs = 7) {
  const times = [];
  for (let i = 0; i < runs; i += 1) times.push(await firstLine(args));
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)]);
}

// The baseline prints a line too, so both are timed to their first output.
const nodeMs = await median(['-e', 'console.log(0)']);
const actions = {};
for (const name of readdirSync(path.join(root, 'actions')).sort()) {
  const dist = path.join(root, 'actions', name, 'dist');
  let bytes = 0;
  try {
    for (const file of readdirSync(dist)) bytes += statSync(path.join(dist, file)).size;
  } catch {
    continue;
  }
  const ms = await median([path.join(dist, 'index.js')]);
  actions[name] = {
    coldStartMs: ms,
    ratioToNode: Math.round((ms / nodeMs) * 100) / 100,
    distMB: Math.round((bytes / 1024 / 1024) * 100) / 100,
  };
}
const values = Object.values(actions);
console.log(
  JSON.stringify(
    {
      nodeMs,
      actions,
      goals: {
        coldStartAtMost2xNode: values.every((a) => a.ratioToNode <= 2),
        distAtMost2MB: values.every((a) => a.distMB <= 2),
      },
    },
    null,
    2,
  ),
);
