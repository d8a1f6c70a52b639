import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mirrorToGitLab, type MirrorOptions } from '@eds/gitlab';
import { startGitLabEmulator, type GitLabEmulator } from '../../../test/emulators/gitlab/server.js';
import { jobEnv, summary } from './fixtures.js';

let gitlab: GitLabEmulator;
const sleeps: number[] = [];
const logs: string[] = [];

/** Fast, observable backoff; a fresh state directory per test unless one is given. */
function options(extra: MirrorOptions = {}): MirrorOptions {
  return {
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'eds-gitlab-mirror-')),
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: (line) => logs.push(line),
    ...extra,
  };
}

beforeAll(async () => {
  gitlab = await startGitLabEmulator({
    project: { id: 42, path: 'shop/hello', mergeRequests: [7] },
    tokens: { 'glpat-good': 'release-bot' },
    jobTokens: { 'job-token-1': 'alice' },
  });
});
afterAll(async () => gitlab.close());
afterEach(() => {
  gitlab.deployments.length = 0;
  gitlab.notes.length = 0;
  gitlab.requests.length = 0;
  sleeps.length = 0;
  logs.length = 0;
});

describe('mirrorToGitLab (gitbeaker against the GitLab emulator)', () => {
  it('creates a running deployment for a paused canary, then marks it success when promoted', async () => {
    const opts = options();
    const paused = await mirrorToGitLab(summary(), jobEnv(gitlab.apiUrl), opts);
    expect(paused).toMatchObject({ mirrored: true, status: 'running', note: 'posted', warnings: [] });
    expect(gitlab.deployments).toHaveLength(1);
    expect(gitlab.deployments[0]).toMatchObject({
      environment: 'demo',
      sha: '3f786850e387550fdab836ed7e6dc881de23001b',
      ref: 'main',
      tag: false,
      status: 'running',
      deployable: null,
    });
    expect(gitlab.requests.every((r) => r.auth === 'private-token')).toBe(true);
    expect(gitlab.notes[0]).toMatchObject({ mergeRequestIid: 7, author: 'release-bot' });
    expect(gitlab.notes[0]?.body).toContain('paused at a manual step');
    expect(gitlab.notes[0]?.body).toContain('`web` 1.1.0 at 20% (stable 1.0.0)');

    // The same result again (a status call, a retried job) changes nothing in GitLab.
    const before = gitlab.requests.length;
    await mirrorToGitLab(summary(), jobEnv(gitlab.apiUrl), opts);
    expect(gitlab.requests.length).toBe(before);

    const done = summary({
      status: 'COMPLETED',
      phase: 'COMPLETED',
      pauseReason: null,
      components: [
        {
          name: 'web',
          version: '1.1.0',
          status: 'COMPLETED',
          stableVersion: '1.1.0',
          weights: { '1.1.0': 100 },
        },
      ],
    });
    const completed = await mirrorToGitLab(done, jobEnv(gitlab.apiUrl), opts);
    expect(completed).toMatchObject({
      mirrored: true,
      status: 'success',
      note: 'posted',
      gitlabDeploymentId: paused.gitlabDeploymentId,
    });
    expect(gitlab.deployments).toHaveLength(1);
    expect(gitlab.deployments[0]?.status).toBe('success');
    expect(gitlab.requests.filter((r) => r.method === 'PUT').map((r) => r.body.status)).toEqual(['success']);
    expect(gitlab.notes.map((n) => n.body.split('\n')[0])).toEqual([
      '**EDS** `hello` → **demo**: paused at a manual step: run the promote job to continue, or abort.',
      '**EDS** `hello` → **demo**: completed.',
    ]);
    const link = JSON.parse(
      readFileSync(path.join(opts.stateDir ?? '', 'gitlab', 'd-20250101-demo-0001.json'), 'utf8'),
    ) as { gitlabDeploymentId: number; status: string };
    expect(link).toMatchObject({ gitlabDeploymentId: paused.gitlabDeploymentId, status: 'success' });
  });

  it('finds the deploy job’s GitLab deployment from a job that cannot see its state directory', async () => {
    // A deployment a CI job made for the same commit: GitLab refuses API updates to it, so it must be skipped.
    gitlab.addJobDeployment({
      environment: 'demo',
      sha: '3f786850e387550fdab836ed7e6dc881de23001b',
      ref: 'main',
      status: 'running',
    });
    const created = await mirrorToGitLab(summary(), jobEnv(gitlab.apiUrl), options());
    const aborted = summary({ status: 'CANCELLED', phase: 'ABORTED', pauseReason: null });
    const result = await mirrorToGitLab(aborted, jobEnv(gitlab.apiUrl), options());
    expect(result).toMatchObject({
      mirrored: true,
      status: 'canceled',
      gitlabDeploymentId: created.gitlabDeploymentId,
    });
    expect(gitlab.deployments.map((d) => d.status)).toEqual(['running', 'canceled']);
    expect(gitlab.requests.some((r) => r.status === 403)).toBe(false);
  });

  it('maps a rolled-back release to failed and an approval wait to running (GitLab’s API cannot set blocked)', async () => {
    const opts = options();
    const waiting = await mirrorToGitLab(summary({ pauseReason: 'approval' }), jobEnv(gitlab.apiUrl), opts);
    expect(waiting.status).toBe('running');
    expect(gitlab.notes[0]?.body).toContain('waiting for approval (blocked)');
    expect(logs.join('\n')).toMatch(/waits for approval/);
    const failed = summary({
      status: 'FAILED',
      phase: 'ROLLED_BACK',
      pauseReason: null,
      reason: 'errorRate 0.31 failed condition < 0.05',
    });
    expect((await mirrorToGitLab(failed, jobEnv(gitlab.apiUrl), opts)).status).toBe('failed');
    expect(gitlab.deployments[0]?.status).toBe('failed');
    expect(gitlab.notes[1]?.body).toContain('failed and was rolled back');
    expect(gitlab.notes[1]?.body).toContain('reason: errorRate 0.31 failed condition < 0.05');
    expect(gitlab.requests.map((r) => r.body.status).filter(Boolean)).not.toContain('blocked');
  });

  it('works with CI_JOB_TOKEN alone, and skips the merge request note it may not post', async () => {
    const env = jobEnv(gitlab.apiUrl, { EDS_GITLAB_TOKEN: undefined, CI_JOB_TOKEN: 'job-token-1' });
    const result = await mirrorToGitLab(summary(), env, options());
    expect(result).toMatchObject({ mirrored: true, status: 'running', note: 'needs-token' });
    expect(gitlab.requests.map((r) => r.auth)).toEqual(['job-token', 'job-token']);
    expect(gitlab.notes).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/set EDS_GITLAB_TOKEN/);
  });

  it('warns once on 401 without retrying, and resolves', async () => {
    const env = jobEnv(gitlab.apiUrl, { EDS_GITLAB_TOKEN: 'glpat-revoked' });
    const result = await mirrorToGitLab(summary(), env, options());
    expect(result.mirrored).toBe(false);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /could not record d-20250101-demo-0001 as running in GitLab \(HTTP 401: 401 Unauthorized\); the deployment itself is unaffected/,
    );
    expect(gitlab.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(gitlab.deployments).toHaveLength(0);
  });

  it('retries a 500 with exponential backoff and then succeeds', async () => {
    gitlab.failNext(2, 500);
    const result = await mirrorToGitLab(summary(), jobEnv(gitlab.apiUrl), options());
    expect(result).toMatchObject({ mirrored: true, status: 'running', warnings: [] });
    expect(sleeps).toEqual([10, 20]);
    expect(gitlab.requests.slice(0, 2).map((r) => r.status)).toEqual([500, 500]);
    expect(logs.filter((l) => /HTTP 500/.test(l))).toHaveLength(2);
    expect(gitlab.deployments).toHaveLength(1);
  });

  it('gives up on a GitLab that keeps answering 500, with a warning and no exception', async () => {
    gitlab.failNext(100, 500);
    const result = await mirrorToGitLab(summary(), jobEnv(gitlab.apiUrl), options());
    gitlab.failNext(0);
    expect(result.mirrored).toBe(false);
    expect(result.warnings[0]).toMatch(/HTTP 500: 500 Internal Server Error/);
    expect(gitlab.requests).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
  });

  it('survives an unreachable GitLab', async () => {
    const env = jobEnv('http://127.0.0.1:9/api/v4');
    const result = await mirrorToGitLab(summary(), env, options());
    expect(result.mirrored).toBe(false);
    expect(result.warnings[0]).toMatch(/could not record/);
    expect(sleeps).toEqual([10, 20]);
  });

  it('keeps the deployment when only the merge request note fails', async () => {
    const opts = options();
    await mirrorToGitLab(summary(), jobEnv(gitlab.apiUrl, { CI_OPEN_MERGE_REQUESTS: 'shop/hello!99' }), opts);
    expect(gitlab.deployments).toHaveLength(1);
    expect(gitlab.notes).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/could not comment on the merge request \(HTTP 404: 404 Not found\)/);
  });

  it('does nothing outside a GitLab job', async () => {
    const result = await mirrorToGitLab(summary(), { PATH: process.env.PATH }, options());
    expect(result).toEqual({ mirrored: false, note: 'none', warnings: [] });
    expect(logs[0]).toMatch(
      /skipped, not in a GitLab CI job \(missing CI_API_V4_URL, CI_PROJECT_ID, CI_COMMIT_SHA/,
    );
    expect(gitlab.requests).toHaveLength(0);
  });
});
