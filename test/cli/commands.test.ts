import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eds } from '../helpers/eds.js';

const server = path.resolve('examples/hello/server.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-cmd-'));
const state = path.join(dir, 'state');
const SECRET = 'canary-secret-7f3a9c1e55d2b8';

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

write('base.yaml', 'GREETING: hi\nLOG_LEVEL: info\n');
write('prod.yaml', 'LOG_LEVEL: warn\n');
const spec = write(
  'eds.yaml',
  `apiVersion: eds/v1
name: cmd
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/cmd/web:1.0.0@sha256:${'a'.repeat(64)}
    run: { command: node ${server} }
    health: { http: /healthz, interval: 200ms }
config:
  base: base.yaml
  secrets: { API_TOKEN: 'env:EDS_TEST_API_TOKEN' }
environments:
  dev:
    tier: DEV
    strategy: { type: ROLLING }
  prod:
    tier: PROD
    strategy: { type: ROLLING }
    config: { overlay: prod.yaml }
`,
);
const bad = write(
  'bad.yaml',
  readFileSync(spec, 'utf8').replace(
    `registry.example.com/cmd/web:1.0.0@sha256:${'a'.repeat(64)}`,
    'docker.io/library/nginx:latest',
  ),
);

const run = (args: string[], file = spec) =>
  eds(['-f', file, '--state', state, ...args], {
    env: { EDS_TEST_API_TOKEN: SECRET, EDS_USER: 'tester' },
    timeoutMs: 90_000,
  });

const outputs: string[] = [];
async function logged(args: string[], file = spec) {
  const result = await run(args, file);
  outputs.push(result.stdout, result.stderr);
  return result;
}

afterAll(async () => {
  await run(['agent', 'stop']);
});

describe('eds render, check, config, pipeline (real processes)', () => {
  it('renders byte-for-byte deterministic manifests, secrets omitted', async () => {
    const first = await logged(['render', '--env', 'prod']);
    const second = await logged(['render', '--env', 'prod']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    expect(first.stdout).toMatch(/kind: Deployment/);
    expect(first.stdout).toMatch(/LOG_LEVEL: warn/);
    const config = await logged(['render', '--env', 'prod', '--config']);
    expect(config.stdout).toMatch(/API_TOKEN/);
    expect((await run(['render', '--env', 'prod', '--include-secrets'])).code).toBe(2);
  });

  it('blocks a non-compliant PROD deployment with exit 3 before anything changes, naming location and fix', async () => {
    const check = await logged(
      [
        'check',
        '--env',
        'prod',
        '--junit',
        path.join(dir, 'junit.xml'),
        '--sarif',
        path.join(dir, 'out.sarif'),
      ],
      bad,
    );
    expect(check.code).toBe(3);
    expect(check.stdout).toMatch(/latest-tag/);
    expect(check.stdout).toMatch(/rendered\/prod\.yaml:\d+/);
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuites?/);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { version: string };
    expect(sarif.version).toBe('2.1.0');

    const deploy = await logged(['--json', 'deploy', '--env', 'prod'], bad);
    expect(deploy.code).toBe(3);
    const result = JSON.parse(deploy.stdout) as {
      status: string;
      reason: string;
      endpoints: Record<string, string>;
    };
    expect(result.status).toBe('FAILED');
    expect(result.reason).toMatch(/latest-tag/);
    expect(result.endpoints).toEqual({});
    // Nothing was started: no agent for this state directory.
    expect(readdirSync(state)).not.toContain('agent');
    expect((await logged(['check', '--env', 'dev'], bad)).code).toBe(0);
  });

  it('versions configuration per deployment, diffs it with secrets masked, and never writes the secret anywhere', async () => {
    const first = await logged(['--json', 'deploy', '--env', 'prod', '--dotenv', path.join(dir, 'eds.env')]);
    expect(first.code).toBe(0);
    expect(readFileSync(path.join(dir, 'eds.env'), 'utf8')).toMatch(
      /^EDS_DEPLOYMENT_ID=cmd\.prod\.\d+\.[0-9a-f]{4}\nEDS_STATUS=COMPLETED\nEDS_PHASE=COMPLETED/,
    );
    const endpoint = (JSON.parse(first.stdout) as { endpoints: { web: string } }).endpoints.web;
    const config = (await (await fetch(`${endpoint}/config`)).json()) as { keys: string[] };
    expect(config).toBeDefined();
    // A configuration-only change is a real deployment. (A new version in PROD would need a digest-pinned image.)
    const second = await logged(['deploy', '--env', 'prod', '--set', 'LOG_LEVEL=debug']);
    expect(second.code).toBe(0);
    const history = await logged(['--json', 'config', 'history', '--env', 'prod']);
    const versions = (JSON.parse(history.stdout) as { versions: { version: number }[] }).versions;
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const diff = await logged(['config', 'diff', '--env', 'prod']);
    expect(diff.stdout).toMatch(/-\s*LOG_LEVEL: warn/);
    expect(diff.stdout).toMatch(/\+\s*LOG_LEVEL: debug/);
    const back = await logged(['--json', 'config', 'rollback', '--env', 'prod', '--to', '1']);
    expect(back.code).toBe(0);
    expect((JSON.parse(back.stdout) as { status: string }).status).toBe('COMPLETED');
    // Version 3 is version 1's configuration again, recorded as a rollback of it.
    const rolledBack = await logged(['--json', 'config', 'history', '--env', 'prod']);
    const latest = (JSON.parse(rolledBack.stdout) as { versions: { version: number; rollbackOf?: number }[] })
      .versions[0];
    expect(latest).toMatchObject({ version: 3, rollbackOf: 1 });
    const undo = await logged(['config', 'diff', '--env', 'prod', '--from', '2', '--to', '3']);
    expect(undo.stdout).toMatch(/-\s*LOG_LEVEL: debug/);
    expect(undo.stdout).toMatch(/\+\s*LOG_LEVEL: warn/);

    // The secret canary: not in any file under the state directory, not in anything printed.
    const hits: string[] = [];
    const scan = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const file = path.join(folder, name);
        if (statSync(file).isDirectory()) scan(file);
        else if (readFileSync(file).includes(SECRET)) hits.push(file);
      }
    };
    scan(state);
    for (const text of outputs) if (text.includes(SECRET)) hits.push('printed output');
    expect(hits).toEqual([]);
  }, 120_000);

  it('stops an environment: every running version removed, history kept, status --expect checks', async () => {
    const status = await run(['--json', 'status', '--env', 'prod', '--expect', 'COMPLETED']);
    expect(status.code).toBe(0);
    const endpoint = (JSON.parse(status.stdout) as { endpoints: { web: string } }).endpoints.web;
    expect((await fetch(`${endpoint}/`)).status).toBe(200);
    const stopped = await run(['--json', 'stop', '--env', 'prod']);
    expect(stopped.code).toBe(0);
    expect((JSON.parse(stopped.stdout) as { removed: string[] }).removed).toContain('web@1.0.0');
    const after = await fetch(`${endpoint}/`).then(
      (r) => r.status,
      () => 0,
    );
    expect(after).not.toBe(200);
    expect((await run(['status', '--env', 'prod', '--expect', 'FAILED'])).code).toBe(1);
    const history = await run(['--json', 'history', '--env', 'prod']);
    expect(
      (JSON.parse(history.stdout) as { deployments: unknown[] }).deployments.length,
    ).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('keeps the history bounded with --history-max', async () => {
    for (const version of ['1.0.1', '1.0.2', '1.0.3']) {
      const result = await run([
        '--history-max',
        '2',
        'deploy',
        '--env',
        'dev',
        '--set-version',
        `web=${version}`,
      ]);
      expect(result.code).toBe(0);
    }
    const history = await run(['--json', 'history', '--env', 'dev']);
    const versions = (
      JSON.parse(history.stdout) as { deployments: { components: { version: string }[] }[] }
    ).deployments.map((d) => d.components[0]?.version);
    expect(versions).toEqual(['1.0.3', '1.0.2']);
    expect((await run(['--history-max', 'lots', 'deploy', '--env', 'dev'])).code).toBe(2);
  }, 90_000);

  it('runs a standalone pipeline, and rejects a cyclic one naming the cycle', async () => {
    const good = write(
      'pipeline.yaml',
      `name: build
stages:
  - id: main
    steps:
      - { id: hello, kind: run, with: { command: "echo hello" } }
      - { id: world, kind: run, needs: [hello], with: { command: "echo world" } }
`,
    );
    const ok = await run(['--json', 'pipeline', 'run', good]);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { steps: { status: string }[] }).steps.map((s) => s.status)).toEqual([
      'COMPLETED',
      'COMPLETED',
    ]);
    const cyclic = write(
      'cyclic.yaml',
      `name: loop
stages:
  - id: main
    steps:
      - { id: a, kind: run, needs: [b], with: { command: "true" } }
      - { id: b, kind: run, needs: [a], with: { command: "true" } }
`,
    );
    const loop = await run(['pipeline', 'run', cyclic]);
    expect(loop.code).toBe(2);
    expect(loop.stderr).toMatch(/a -> b -> a|b -> a -> b/);
    const failing = write(
      'fail.yaml',
      'name: fail\nstages:\n  - id: s\n    steps:\n      - { id: x, kind: run, with: { command: "exit 3" } }\n',
    );
    expect((await run(['pipeline', 'run', failing])).code).toBe(1);
  });
});
