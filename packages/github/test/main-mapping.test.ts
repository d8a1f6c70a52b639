import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as check } from '../../../actions/check/src/main.js';
import { run as render } from '../../../actions/render/src/main.js';

/** main.ts in process, with @actions/core reading INPUT_* and writing GITHUB_OUTPUT as on a runner. */
describe('main.ts input → request → output mapping', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-gh-main-'));
  const saved = { ...process.env };
  const cwd = process.cwd();
  let output = '';

  const step = async (main: () => Promise<void>, inputs: Record<string, string>) => {
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
    for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
    output = path.join(dir, `output-${Math.random()}`);
    writeFileSync(output, '');
    process.env.GITHUB_OUTPUT = output;
    process.exitCode = undefined;
    await main();
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return { exitCode, outputs: readFileSync(output, 'utf8') };
  };

  beforeAll(() => {
    writeFileSync(
      path.join(dir, 'eds.yaml'),
      `apiVersion: eds/v1
name: shop
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/shop/web:1.0.0
    run: { command: node server.js }
environments:
  dev: { tier: DEV, strategy: { type: ROLLING } }
  prod: { tier: PROD, strategy: { type: CANARY, steps: [{ setWeight: 100 }] } }
`,
    );
    process.chdir(dir);
    process.env.GITHUB_WORKSPACE = dir;
    delete process.env.GITHUB_STEP_SUMMARY;
  });
  afterAll(() => {
    process.chdir(cwd);
    process.env = saved;
  });

  it('render: environment, set, output-dir and format reach the service; hash and files come back', async () => {
    const { exitCode, outputs } = await step(render, {
      environment: 'dev',
      set: 'GREETING=hi',
      'output-dir': 'out',
      format: 'json',
      file: 'eds.yaml',
      state: '.eds',
    });
    expect(exitCode).toBeUndefined();
    expect(outputs).toMatch(/^hash<<ghadelimiter_[^\n]+\nsha256:[0-9a-f]{64}\n/m);
    expect(outputs).toContain(path.join(dir, 'out', '03-deployment-shop-web.json'));
    expect(outputs).toMatch(/exit-code<<[^\n]+\n0\n/);
  });

  it('render: a bad format is invalid input, the step fails with exit-code 2', async () => {
    const { exitCode, outputs } = await step(render, { environment: 'dev', format: 'xml', file: 'eds.yaml' });
    expect(exitCode).toBe(1);
    expect(outputs).toMatch(/exit-code<<[^\n]+\n2\n/);
  });

  it('check: an unpinned image blocks PROD (exit 3) and the reports land where the inputs say', async () => {
    const { exitCode, outputs } = await step(check, {
      environment: 'prod',
      sarif: 'r/eds.sarif',
      markdown: 'r/eds.md',
      file: 'eds.yaml',
    });
    expect(exitCode).toBe(1);
    expect(outputs).toMatch(/blocked<<[^\n]+\ntrue\n/);
    expect(outputs).toMatch(/exit-code<<[^\n]+\n3\n/);
    expect(JSON.parse(readFileSync(path.join(dir, 'r', 'eds.sarif'), 'utf8'))).toMatchObject({
      version: '2.1.0',
    });
    expect(readFileSync(path.join(dir, 'r', 'eds.md'), 'utf8')).toContain('image-not-pinned-by-digest');
    const dev = await step(check, { environment: 'dev', sarif: '', file: 'eds.yaml' });
    expect(dev.exitCode).toBeUndefined();
    expect(dev.outputs).toMatch(/blocked<<[^\n]+\nfalse\n/);
  });
});
