import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { eds } from '../helpers/eds.js';
import { startGithubEmulator, type GithubEmulator } from '../emulators/github/server.js';
import { runStep, type RunOptions, type StepResult } from './runner.js';

/**
 * The example workflow, step by step, through the committed bundles on the E3 host agent: each step is a
 * fresh `node dist/index.js` as the runner starts it, outputs of one step feed the inputs of the next, and
 * GitHub's Deployments API is the local emulator.
 */
const workspace = mkdtempSync(path.join(os.tmpdir(), 'eds-gh-workflow-'));
const SECRET = `tok-${Math.random().toString(36).slice(2)}-e2e-secret`;
const server = path.resolve('examples/hello/server.js');

writeFileSync(
  path.join(workspace, 'eds.yaml'),
  `apiVersion: eds/v1
name: shop
components:
  - name: web
    version: 1.0.0
    run: { command: node ${server} }
    health: { http: /healthz, interval: 200ms }
    replicas: 1
config:
  secrets:
    API_TOKEN: env:EDS_E2E_API_TOKEN
environments:
  prod:
    tier: PROD
    strategy:
      type: CANARY
      analysis:
        interval: 1s
        failureLimit: 0
        inconclusiveLimit: 1000
        minRequests: 5
        metrics: [{ provider: router, metric: errorRate, condition: '< 0.05' }]
      steps:
        - setWeight: 20
        - pause: { duration: 4s }
        - pause: {}
        - setWeight: 100
`,
);
mkdirSync(path.join(workspace, 'reports'));
writeFileSync(
  path.join(workspace, 'reports', 'trivy.json'),
  JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: 'registry.example.com/shop/web:1.0.0',
    ArtifactType: 'container_image',
    Results: [
      {
        Target: 'registry.example.com/shop/web:1.0.0 (debian 12.5)',
        Class: 'os-pkgs',
        Type: 'debian',
        Vulnerabilities: [
          {
            VulnerabilityID: 'CVE-2024-0001',
            PkgName: 'openssl',
            InstalledVersion: '3.0.11',
            FixedVersion: '3.0.13',
            Severity: 'CRITICAL',
            Title: 'openssl: remote code execution',
            PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-0001',
          },
        ],
      },
    ],
  }),
);

/** Keep-alive traffic to a URL until stopped (analysis needs requests to measure). */
function load(url: string): () => Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let stop = false;
  const until = Date.now() + 60_000;
  const worker = async () => {
    while (!stop && Date.now() < until) {
      await new Promise<void>((resolve) => {
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          })
          .on('error', () => setTimeout(resolve, 50));
      });
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  return async () => {
    stop = true;
    await Promise.all(workers);
    agent.destroy();
  };
}

describe('the example workflow through the committed action bundles', () => {
  let gh: GithubEmulator;
  const steps: StepResult[] = [];
  let step: (action: string, inputs: Record<string, string>, options?: RunOptions) => Promise<StepResult>;

  beforeAll(async () => {
    gh = await startGithubEmulator({ token: 'ghs_emulatedtoken0123456789', failingContexts: ['ci/test'] });
    step = async (action, inputs, options = {}) => {
      const result = await runStep(action, inputs, {
        workspace,
        context: { apiUrl: gh.url },
        timeoutMs: 60_000,
        ...options,
        env: { EDS_E2E_API_TOKEN: SECRET, EDS_GITHUB_RETRY_BASE_MS: '20', ...options.env },
      });
      steps.push(result);
      return result;
    };
  });

  afterAll(async () => {
    await eds(['--state', path.join(workspace, '.eds'), 'agent', 'stop']);
    await gh.close();
  });

  const githubDeployment = (s: StepResult) => Number(s.outputs['github-deployment-id']);
  let paused: StepResult;
  let first: StepResult;

  it('deploys the first release, then a canary that stops at its manual pause (PAUSED is success)', async () => {
    first = await step('deploy', { environment: 'prod' });
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({
      status: 'COMPLETED',
      phase: 'COMPLETED',
      environment: 'prod',
      'exit-code': '0',
    });
    expect(first.outputs['environment-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    paused = await step('deploy', { environment: 'prod', versions: 'web=1.1.0' });
    expect(paused.stderr).toBe('');
    expect(paused.code).toBe(0);
    expect(paused.outputs).toMatchObject({ status: 'IN_PROGRESS', phase: 'PAUSED', 'exit-code': '0' });
    expect(paused.outputs['deployment-id']).toMatch(/^shop\.prod\./);
    const result = JSON.parse(paused.outputs.result ?? '{}') as {
      pauseReason: string;
      components: { version: string }[];
    };
    expect(result).toMatchObject({ pauseReason: 'manual', components: [{ version: '1.1.0' }] });
    const record = JSON.parse(readFileSync(paused.outputs.record ?? '', 'utf8')) as {
      deployment: { id: string };
    };
    expect(record.deployment.id).toBe(paused.outputs['deployment-id']);
    // One collapsible group per pipeline step, a summary that says what to do next.
    expect(paused.groups).toEqual(expect.arrayContaining(['▶ validate', '▶ check', '▶ step1-web-weight']));
    expect(paused.summary).toContain(
      `| \`${paused.outputs['deployment-id']}\` | IN_PROGRESS | PAUSED (manual) | CANARY |`,
    );
    expect(paused.summary).toContain('run the `promote` action');
    expect(paused.summary).toContain('<svg');

    // The mirror: a production deployment with the EDS id in its payload, still in progress.
    const created = gh.deployments.find((d) => d.id === githubDeployment(paused));
    expect(created).toMatchObject({
      environment: 'prod',
      ref: 'c0ffee0000000000000000000000000000000001',
      production_environment: true,
      transient_environment: false,
      payload: { eds: { deploymentId: paused.outputs['deployment-id'], application: 'shop' } },
    });
    const states = gh.statesOf(githubDeployment(paused));
    expect(states[0]).toMatch(/^(queued|in_progress)$/);
    expect(states.at(-1)).toBe('in_progress');
    expect(gh.statuses.get(githubDeployment(paused))?.at(-1)).toMatchObject({
      log_url: 'https://github.com/acme/shop/actions/runs/4242',
      environment_url: paused.outputs['environment-url'],
      description: expect.stringContaining('waiting for promote'),
    });
    expect(gh.statesOf(githubDeployment(first)).at(-1)).toBe('success');
  }, 90_000);

  it('promotes the paused canary in a later step by its deployment-id: COMPLETED, same GitHub deployment', async () => {
    const promoted = await step('promote', { 'deployment-id': paused.outputs['deployment-id'] ?? '' });
    expect(promoted.code).toBe(0);
    expect(promoted.outputs).toMatchObject({
      'deployment-id': paused.outputs['deployment-id'],
      status: 'COMPLETED',
      phase: 'COMPLETED',
      'github-deployment-id': paused.outputs['github-deployment-id'],
    });
    expect(gh.statesOf(githubDeployment(paused)).at(-1)).toBe('success');
    // The first release is superseded: production deployments get no auto_inactive, the mirror posts it.
    expect(gh.statesOf(githubDeployment(first)).at(-1)).toBe('inactive');

    const status = await step('status', { environment: 'prod' });
    expect(status.code).toBe(0);
    expect(status.outputs).toMatchObject({
      'deployment-id': paused.outputs['deployment-id'],
      status: 'COMPLETED',
      'exit-code': '0',
    });
  }, 60_000);

  it('fails the step for a bad release: analysis catches FAIL_RATE=0.3 and rolls back (exit code 1)', async () => {
    const stop = load(`${paused.outputs['environment-url']}/`);
    const bad = await step('deploy', {
      environment: 'prod',
      versions: 'web=1.3.0',
      set: 'FAIL_RATE=0.3',
    }).finally(stop);
    expect(bad.code).toBe(1);
    expect(bad.outputs).toMatchObject({ status: 'FAILED', phase: 'ROLLED_BACK', 'exit-code': '1' });
    const failure = bad.annotations.find((a) => a.level === 'error');
    expect(failure?.message).toMatch(/FAILED \(ROLLED_BACK\): .*errorRate 0\.\d+ failed condition < 0\.05/);
    const result = JSON.parse(bad.outputs.result ?? '{}') as {
      components: { weights: Record<string, number> }[];
    };
    expect(result.components[0]?.weights).toEqual({ '1.1.0': 100 });
    const states = gh.statesOf(githubDeployment(bad));
    expect(states.at(-1)).toBe('failure');
    expect(gh.statuses.get(githubDeployment(bad))?.at(-1)?.description).toMatch(/^rolled back: /);
    expect(bad.summary).toContain('### Analysis');
  }, 60_000);

  it('blocks on a critical vulnerability: exit code 3, SARIF written, annotation on the report', async () => {
    const check = await step('check', {
      environment: 'prod',
      'vuln-reports': 'reports/trivy.json',
      junit: 'reports/eds.junit.xml',
    });
    expect(check.code).toBe(1);
    expect(check.outputs).toMatchObject({
      'exit-code': '3',
      blocked: 'true',
      sarif: path.join(workspace, 'eds.sarif'),
    });
    const sarif = JSON.parse(readFileSync(path.join(workspace, 'eds.sarif'), 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain('CVE-2024-0001');
    expect(readFileSync(path.join(workspace, 'reports', 'eds.junit.xml'), 'utf8')).toContain('<testsuite');
    expect(check.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          properties: expect.objectContaining({ file: 'reports/trivy.json' }),
        }),
        expect.objectContaining({
          level: 'error',
          message: expect.stringMatching(/blocked: 1 finding/),
        }),
      ]),
    );
    expect(check.summary).toContain('CVE-2024-0001');
  }, 60_000);

  it('renders manifests of another spec file into a directory', async () => {
    mkdirSync(path.join(workspace, 'k8s'), { recursive: true });
    writeFileSync(
      path.join(workspace, 'k8s', 'eds.yaml'),
      `apiVersion: eds/v1
name: shop
components:
  - name: web
    version: 1.0.0
    image: registry.example.com/shop/web:1.0.0
environments:
  prod: { tier: PROD, strategy: { type: ROLLING } }
`,
    );
    const render = await step('render', {
      file: 'k8s/eds.yaml',
      environment: 'prod',
      'output-dir': 'rendered',
    });
    expect(render.code).toBe(0);
    expect(render.outputs.hash).toMatch(/^sha256:/);
    expect(render.outputs.files?.split('\n').some((f) => f.endsWith('deployment-shop-web.yaml'))).toBe(true);
  }, 60_000);

  it('never fails a deployment because GitHub is down: 500s and an unreachable API are warnings', async () => {
    for (let i = 0; i < 3; i++) gh.fail({ status: 500, match: /^POST .*\/deployments$/ });
    const downPaused = await step('deploy', { environment: 'prod', versions: 'web=1.4.0' });
    expect(downPaused.code).toBe(0);
    expect(downPaused.outputs.phase).toBe('PAUSED');
    expect(downPaused.outputs['github-deployment-id']).toBeUndefined();
    expect(downPaused.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /could not create a GitHub deployment .*HTTP 500.*continues without it/,
        ),
      }),
    ]);

    const aborted = await step(
      'abort',
      { environment: 'prod' },
      { context: { apiUrl: 'http://127.0.0.1:9' } },
    );
    expect(aborted.code).toBe(0);
    expect(aborted.outputs).toMatchObject({
      'deployment-id': downPaused.outputs['deployment-id'],
      status: 'CANCELLED',
      phase: 'ABORTED',
      'exit-code': '0',
    });
    expect(aborted.annotations.map((a) => a.level)).toEqual(['warning']);
  }, 90_000);

  it('masks every secret EDS resolved (::add-mask:: before it could print) and never writes it anywhere', () => {
    const deploys = steps.filter((s) => s.masks.length);
    expect(deploys.length).toBeGreaterThanOrEqual(4);
    for (const s of steps) {
      const lines = s.stdout.split('\n');
      const maskedAt = lines.indexOf(`::add-mask::${SECRET}`);
      if (s.masks.includes(SECRET)) expect(maskedAt).toBeGreaterThanOrEqual(0);
      // The value appears only in its own add-mask command, in no other log line, output, summary or file.
      expect(lines.filter((l) => l.includes(SECRET))).toEqual(
        s.masks.includes(SECRET) ? [`::add-mask::${SECRET}`] : [],
      );
      expect(s.stderr).not.toContain(SECRET);
      for (const text of Object.values(s.files)) expect(text).not.toContain(SECRET);
      if (s.outputs.record) expect(readFileSync(s.outputs.record, 'utf8')).not.toContain(SECRET);
    }
    expect(steps.filter((s) => s.masks.includes(SECRET)).length).toBeGreaterThanOrEqual(4);
  });
});
