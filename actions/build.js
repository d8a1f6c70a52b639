#!/usr/bin/env node
/**
 * Builds every action's committed bundle: `actions/NAME/dist/index.js` (+ chunks and the package.json that
 * marks them ESM) with @vercel/ncc, and, for actions that run deployments, `dist/agent-main.js` — the host
 * agent the core starts as a detached `node agent-main.js` beside the bundle (the core looks for it there).
 *
 *   node actions/build.js            build into actions/NAME/dist (replacing it)
 *   node actions/build.js --out DIR  build into DIR/NAME/dist instead (the freshness test compares the two)
 *
 * Type checking is `tsc -p actions` (run first by `npm run build:actions`); ncc only transpiles. The build
 * runs from the repository root, so the module paths ncc writes into comments are the same on every machine.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

async function bundle(entry) {
  const { code, assets } = await ncc(path.join(root, entry), {
    cache: false,
    quiet: true,
    minify: true,
    sourceMap: false,
    transpileOnly: true,
    target: 'es2022',
    license: 'licenses.txt',
  });
  return { 'index.js': code, ...Object.fromEntries(Object.entries(assets).map(([name, asset]) => [name, asset.source])) };
}

function write(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, source] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
}

export async function buildActions({ out = path.join(root, 'actions'), only } = {}) {
  process.chdir(root);
  const names = only ?? actionNames();
  const agent = names.some((name) => AGENT_ACTIONS.includes(name)) ? (await bundle(AGENT_ENTRY))['index.js'] : undefined;
  for (const name of names) {
    const files = await bundle(`actions/${name}/src/index.ts`);
    if (AGENT_ACTIONS.includes(name) && agent) files['agent-main.js'] = agent;
    write(path.join(out, name, 'dist'), files);
    process.stderr.write(`actions/${name}/dist: ${Object.keys(files).sort().join(', ')}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  await buildActions(at > 0 ? { out: path.resolve(process.argv[at + 1]) } : {});
}
