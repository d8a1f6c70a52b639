import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eds } from '../helpers/eds.js';
import { startGitLabEmulator, type GitLabEmulator } from '../emulators/gitlab/server.js';
import { startLoad } from '../helpers/load.js';
import { createProject, EDS_COMMAND, gitlabCiLocal, jobJson } from './runner.js';

/*
 * The components run by a real GitLab runner implementation (gitlab-ci-local, shell executor, one copy of the
 * project per job). The EDS state directory lies outside the project, as a runner volume would, so every job
 * of every run sees the same records and the same host agent.
 */
const server = path.resolve('examples/hello/server.js');
const state = mkdtempSync(path.join(os.tmpdir(), 'eds-gitlab-state-'));

const EDS_YAML = `apiVersion: eds/v1
name: shop
components:
  - name: web
    version: 1.0.0
    run: { command: node ${server} }
    health: { http: /healthz, interval: 200ms }
    replicas: 1
environments:
  demo:
    tier: STAGING
    strategy:
      type: CANARY
      analysis:
        interval: 500ms
        failureLimit: 0
        inconclusiveLimit: 1000
        minRequests: 5
        metrics: [{ provider: router, metric: errorRate, condition: '< 0.05' }]
      steps:
        - setWeight: 20
        - pause: { duration: 3s }
        - pause: {}
        - setWeight: 50
        - pause: { duration: 1s }
        - setWeight: 100
  prod:
    tier: PROD
    strategy: { type: ROLLING }
`;

/** A Trivy report with one CRITICAL vulnerability: PROD's policy blocks it. */
const TRIVY = JSON.stringify({
  SchemaVersion: 2,
  ArtifactName: 'registry.example.com/shop/web:1.0.0',
  Results: [
    {
      Target: 'registry.example.com/shop/web:1.0.0 (debian 12.5)',
      Class: 'os-pkgs',
      Vulnerabilities: [
        {
          VulnerabilityID: 'CVE-2024-3094',
          PkgName: 'xz-utils',
          InstalledVersion: '5.6.0-0.2',
          FixedVersion: '5.6.1+really5.4.5-1',
          Severity: 'CRITICAL',
          Title: 'xz: malicious code in distributed source',
        },
      ],
    },
  ],
});

const GITLAB_CI = `include:
  - local: templates/pipeline.yml
    inputs:
      environment: demo
      deployment-tier: staging
      deploy-args: --set-version web=$WEB_VERSION
      eds-command: ${EDS_COMMAND}
      state-dir: ${state}
  - local: templates/deploy.yml
    inputs:
      job-prefix: bad
      environment: demo
      args: --set-version web=1.3.0 --set FAIL_RATE=0.3
      mirror: none
      eds-command: ${EDS_COMMAND}
      state-dir: ${state}
  - local: templates/check.yml
    inputs:
      job-prefix: gate
      environment: prod
      args: --vuln-report trivy.json
      eds-command: ${EDS_COMMAND}
  - local: templates/rollback.yml
    inputs:
      environment: demo
      eds-command: ${EDS_COMMAND}
      state-dir: ${state}
`;

let project: string;
let gitlab: GitLabEmulator;
let variables: Record<string, string>;

const status = async (args: string[]) => {
  const run = await eds([
    '--state',
    state,
    '-f',
    path.join(project, 'eds.yaml'),
    '--json',
    'status',
    ...args,
  ]);
  return JSON.parse(run.stdout) as {
    id: string;
    status: string;
    phase: string;
    endpoints: Record<string, string>;
    components: { version: string; weights: Record<string, number> }[];
  };
};

beforeAll(async () => {
  project = createProject({ 'eds.yaml': EDS_YAML, 'trivy.json': TRIVY, '.gitlab-ci.yml': GITLAB_CI });
  gitlab = await startGitLabEmulator({
    project: { id: 42, path: 'shop/hello', mergeRequests: [7] },
    tokens: { 'glpat-test': 'release-bot' },
  });
  // The mirror talks to the emulator instead of gitlab.example.com, which gitlab-ci-local reads from `origin`.
  variables = {
    EDS_GITLAB_API_URL: gitlab.apiUrl,
    EDS_GITLAB_PROJECT: '42',
    EDS_GITLAB_TOKEN: 'glpat-test',
    CI_MERGE_REQUEST_IID: '7',
  };
});

afterAll(async () => {
  await eds(['--state', state, 'agent', 'stop']);
  await gitlab?.close();
});

describe('GitLab CI/CD components on gitlab-ci-local', () => {
  it('validate → check → deploy pauses the canary (job succeeds); the manual promote job completes it; verify passes', async () => {
    // The first release has no stable version to compare a canary with: it goes straight to 100%.
    const baseline = await gitlabCiLocal(project, ['eds-deploy-demo', '--needs'], {
      variables: { ...variables, WEB_VERSION: '1.0.0' },
    });
    expect(baseline.output).toMatch(/PASS\s+eds-deploy-demo/);
    expect(jobJson(baseline.output, 'eds-deploy-demo')).toMatchObject({ status: 'COMPLETED', exitCode: 0 });

    const first = await gitlabCiLocal(project, ['eds-deploy-demo', '--needs'], {
      variables: { ...variables, WEB_VERSION: '1.1.0' },
    });
    expect(first.output).toMatch(/PASS\s+eds-validate/);
    expect(first.output).toMatch(/PASS\s+eds-check-demo/);
    expect(first.output).toMatch(/PASS\s+eds-deploy-demo/);
    expect(first.code).toBe(0);
    const paused = jobJson(first.output, 'eds-deploy-demo');
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', phase: 'PAUSED', exitCode: 0 });
    expect((await status(['--env', 'demo'])).phase).toBe('PAUSED');
    expect(gitlab.deployments).toMatchObject([
      { environment: 'demo', ref: 'main', status: 'success' },
      { environment: 'demo', ref: 'main', status: 'running' },
    ]);

    const second = await gitlabCiLocal(
      project,
      ['eds-promote-demo', 'eds-verify-demo', '--manual', 'eds-promote-demo'],
      { variables },
    );
    expect(second.output).toMatch(/PASS\s+eds-promote-demo/);
    expect(second.output).toMatch(/PASS\s+eds-verify-demo/);
    expect(second.code).toBe(0);
    // The promote job acted on the deploy job's deployment, handed over through the dotenv report.
    expect(jobJson(second.output, 'eds-promote-demo')).toMatchObject({ id: paused.id, status: 'COMPLETED' });
    const done = await status([String(paused.id)]);
    expect(done).toMatchObject({ status: 'COMPLETED', phase: 'COMPLETED' });
    expect(done.components[0]?.weights).toEqual({ '1.1.0': 100 });
    const answer = await fetch(`${done.endpoints.web}/`);
    expect(answer.headers.get('x-version')).toBe('1.1.0');

    // Mirrored: one GitLab deployment per EDS deployment, the canary's running while paused and success once
    // promoted; a note on !7 at each state worth a reviewer's attention.
    expect(gitlab.deployments.map((d) => d.status)).toEqual(['success', 'success']);
    expect(gitlab.notes.map((n) => n.body.split('\n')[0])).toEqual([
      '**EDS** `shop` → **demo**: completed.',
      '**EDS** `shop` → **demo**: paused at a manual step: run the promote job to continue, or abort.',
      '**EDS** `shop` → **demo**: completed.',
    ]);
  }, 120_000);

  it('fails the deploy job on a bad version and leaves the environment rolled back to stable', async () => {
    const endpoint = (await status(['--env', 'demo'])).endpoints.web;
    const stop = startLoad(`${endpoint}/`);
    const run = await gitlabCiLocal(project, ['bad-deploy-demo'], { variables });
    const seen = await stop();
    expect(run.output).toMatch(/FAIL\s+bad-deploy-demo/);
    expect(run.code).not.toBe(0);
    expect(jobJson(run.output, 'bad-deploy-demo')).toMatchObject({
      status: 'FAILED',
      phase: 'ROLLED_BACK',
      exitCode: 1,
    });
    const after = await status(['--env', 'demo']);
    expect(after).toMatchObject({ status: 'FAILED', phase: 'ROLLED_BACK' });
    expect(after.components[0]?.weights).toEqual({ '1.1.0': 100 });
    expect(seen['1.3.0'] ?? 0).toBeGreaterThan(0);
    expect((await fetch(`${endpoint}/`)).headers.get('x-version')).toBe('1.1.0');
  }, 90_000);

  it('fails the check job on a blocking finding and still publishes the JUnit report', async () => {
    const run = await gitlabCiLocal(project, ['gate-check-prod'], { variables });
    expect(run.output).toMatch(/FAIL\s+gate-check-prod/);
    expect(run.code).not.toBe(0);
    const artifacts = path.join(project, '.gitlab-ci-local', 'artifacts', 'gate-check-prod');
    const junit = readFileSync(path.join(artifacts, 'eds-check.junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure message="CVE-2024-3094 in xz-utils/);
    expect(existsSync(path.join(artifacts, 'eds-check.sarif'))).toBe(true);
    expect(readdirSync(artifacts)).toContain('eds-check.md');
  }, 60_000);

  it('skips deploy and promotion jobs during a deploy freeze, but keeps rollback', async () => {
    const run = await gitlabCiLocal(project, ['--list-json'], { variables: { CI_DEPLOY_FREEZE: 'true' } });
    expect(run.code).toBe(0);
    // --list-json includes jobs whose rules say `when: never`; those are the ones the freeze removed.
    const jobs = JSON.parse(run.output.slice(run.output.indexOf('['))) as { name: string; when: string }[];
    const names = jobs.filter((j) => j.when !== 'never').map((j) => j.name);
    expect(names).toEqual(expect.arrayContaining(['eds-validate', 'eds-check-demo', 'eds-rollback-demo']));
    for (const frozen of ['eds-deploy-demo', 'eds-promote-demo', 'eds-verify-demo', 'bad-deploy-demo'])
      expect(names).not.toContain(frozen);
  }, 30_000);

  it('fails the pipeline with GitLab’s message when an input is not one of its options', async () => {
    const wrong = createProject({
      'eds.yaml': EDS_YAML,
      '.gitlab-ci.yml': `include:
  - local: templates/deploy.yml
    inputs:
      environment: prod
      deployment-tier: prod
`,
    });
    const run = await gitlabCiLocal(wrong, ['--list']);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      'This GitLab CI configuration is invalid: `templates/deploy.yml`: `deployment-tier` input: `prod` cannot be used because it is not in the list of allowed options.',
    );
  }, 30_000);
});
