#!/usr/bin/env node
/**
 * Builds every action's committed bundle: `actions/NAME/dist/index.js` (+ chunks and the package.json that
 * marks them ESM) with @vercel/ncc, and, for actions that run deployments, `dist/agent-main.js` — the host
 * agent the core starts as a detached `node agent-main.js` beside the bundle (the core looks for it there).
 *
 *   node actions/build.js                 build into actions/NAME/dist (replacing it)
 *   node actions/build.js --out DIR       build into DIR/NAME/dist instead
 *   node actions/build.js --only A,B      build only these actions
 *   node actions/build.js --check         is every committed dist the build of today's sources? (fast)
 *   node actions/build.js --compare NAME  rebuild NAME in a temporary directory and compare byte for byte
 *
 * Each dist carries `manifest.json`: a fingerprint of everything the bundle is made from (the action's and
 * the packages' sources, the build settings, the bundled dependencies' locked versions) and the sha256 of
 * every file written. `--check` recomputes both, so a stale or hand-edited dist fails in seconds; `--compare`
 * is the full proof that a fresh build gives the committed bytes.
 *
 * Type checking is `tsc -p actions` (run first by `npm run build:actions`); ncc only transpiles. The build
 * runs from the repository root, so the module paths ncc writes into comments are the same on every machine.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Actions whose operations can start the local host agent (deploy, promote, …); check, render, status never do. */
export const AGENT_ACTIONS = ['deploy', 'promote', 'abort', 'approve', 'rollback'];
const AGENT_ENTRY = 'packages/core/dist/targets/host/agent-main.js';

export function actionNames() {
  return readdirSync(path.join(root, 'actions'))
    .filter((name) => statSync(path.join(root, 'actions', name)).isDirectory())
    .filter((name) => statSync(path.join(root, 'actions', name, 'action.yml'), { throwIfNoEntry: false }))
    .sort();
}

const NCC_OPTIONS = {
  cache: false,
  quiet: true,
  minify: true,
  sourceMap: false,
  transpileOnly: true,
  target: 'es2022',
  license: 'licenses.txt',
};

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(file));
    else out.push(file);
  }
  return out.sort();
}

/** Locked versions of the runtime dependencies of the bundled workspace packages, transitively. */
function lockedDependencies() {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')).packages;
  const seen = new Map();
  const visit = (from, deps) => {
    for (const name of Object.keys(deps ?? {})) {
      const key = [`${from}/node_modules/${name}`, `node_modules/${name}`].find((k) => lock[k]);
      if (!key || seen.has(key)) continue;
      seen.set(key, lock[key].version ?? lock[key].resolved ?? '');
      visit(key, { ...lock[key].dependencies, ...lock[key].optionalDependencies });
    }
  };
  for (const pkg of ['packages/core', 'packages/github']) visit(pkg, lock[pkg]?.dependencies);
  return [...seen]
    .filter(([, v]) => !String(v).startsWith('packages/'))
    .sort()
    .map(([k, v]) => `${k}@${v}`);
}

/** What an action's bundle is made from; equal fingerprints, equal bundles (the build is deterministic). */
export function sourceFingerprint(name) {
  const inputs = [`actions/${name}/src`, 'packages/core/src', 'packages/github/src'].flatMap((dir) =>
    filesUnder(path.join(root, dir)),
  );
  inputs.push(
    ...['actions/build.js', 'actions/tsconfig.json', 'tsconfig.base.json'].map((f) => path.join(root, f)),
  );
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(`${path.relative(root, file)}\0${sha256(readFileSync(file))}\n`);
  hash.update(
    JSON.stringify({ NCC_OPTIONS, agent: AGENT_ACTIONS.includes(name), deps: lockedDependencies() }),
  );
  return hash.digest('hex');
}

async function bundle(entry) {
  const { code, assets } = await ncc(path.join(root, entry), NCC_OPTIONS);
  return {
    'index.js': code,
    ...Object.fromEntries(Object.entries(assets).map(([name, asset]) => [name, asset.source])),
  };
}

function write(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, source] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
}

export async function buildActions({ out = path.join(root, 'actions'), only, quiet = false } = {}) {
  process.chdir(root);
  const names = only ?? actionNames();
  // Fingerprints first, then compile: a source edited during the build leaves a manifest that says stale.
  const fingerprints = Object.fromEntries(names.map((name) => [name, sourceFingerprint(name)]));
  // ncc bundles the packages' compiled dist (their package.json `exports`), so compile them from the sources
  // the fingerprint covers; a no-op when they are up to date.
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core', 'packages/github'],
    {
      stdio: 'inherit',
    },
  );
  const agent = names.some((name) => AGENT_ACTIONS.includes(name))
    ? (await bundle(AGENT_ENTRY))['index.js']
    : undefined;
  for (const name of names) {
    const files = await bundle(`actions/${name}/src/index.ts`);
    if (AGENT_ACTIONS.includes(name) && agent) files['agent-main.js'] = agent;
    files['manifest.json'] = manifestOf(name, fingerprints[name], files);
    write(path.join(out, name, 'dist'), files);
    if (!quiet) process.stderr.write(`actions/${name}/dist: ${Object.keys(files).sort().join(', ')}\n`);
  }
}

function manifestOf(name, sources, files) {
  const hashes = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((file) => [file, sha256(files[file])]),
  );
  return `${JSON.stringify({ action: name, sources, files: hashes }, null, 2)}\n`;
}

/** Problems of the committed dists: missing, built from other sources, or edited after the build. */
export function checkActions(names = actionNames()) {
  const problems = [];
  for (const name of names) {
    const dist = path.join(root, 'actions', name, 'dist');
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
    } catch {
      problems.push(`actions/${name}/dist: no manifest.json (never built with npm run build:actions)`);
      continue;
    }
    if (manifest.sources !== sourceFingerprint(name)) {
      problems.push(
        `actions/${name}/dist: stale, its sources changed since the build (run npm run build:actions)`,
      );
    }
    const present = filesUnder(dist)
      .map((file) => path.relative(dist, file))
      .filter((f) => f !== 'manifest.json');
    for (const file of new Set([
      ...present,
      ...Object.keys(manifest.files).filter((f) => f !== 'manifest.json'),
    ])) {
      let actual;
      try {
        actual = sha256(readFileSync(path.join(dist, file)));
      } catch {
        actual = 'missing';
      }
      if (actual !== manifest.files[file])
        problems.push(
          `actions/${name}/dist/${file}: not what the build wrote (${actual === 'missing' ? 'missing' : 'edited or extra'})`,
        );
    }
    if (!manifest.files['index.js']) problems.push(`actions/${name}/dist: no index.js`);
  }
  return problems;
}

/** Rebuild one action elsewhere and list the files that differ from the committed dist. */
export async function compareAction(name) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'eds-actions-'));
  try {
    await buildActions({ out, only: [name], quiet: true });
    const fresh = path.join(out, name, 'dist');
    const committed = path.join(root, 'actions', name, 'dist');
    const names = new Set([
      ...filesUnder(fresh),
      ...filesUnder(committed).map((f) => path.join(fresh, path.relative(committed, f))),
    ]);
    const differ = [];
    for (const file of names) {
      const rel = path.relative(fresh, file);
      const a = (() => {
        try {
          return readFileSync(file);
        } catch {
          return undefined;
        }
      })();
      const b = (() => {
        try {
          return readFileSync(path.join(committed, rel));
        } catch {
          return undefined;
        }
      })();
      if (!a || !b || !a.equals(b)) differ.push(`actions/${name}/dist/${rel}`);
    }
    return differ.sort();
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag) => {
    const at = process.argv.indexOf(flag);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  if (process.argv.includes('--check')) {
    const problems = checkActions();
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    process.exit(problems.length ? 1 : 0);
  } else if (arg('--compare')) {
    const differ = await compareAction(arg('--compare'));
    for (const file of differ) process.stderr.write(`differs from a fresh build: ${file}\n`);
    process.exit(differ.length ? 1 : 0);
  } else {
    await buildActions({
      ...(arg('--out') ? { out: path.resolve(arg('--out')) } : {}),
      ...(arg('--only') ? { only: arg('--only').split(',') } : {}),
    });
  }
}
