import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getOctokit } from '@actions/github';
import { DeploymentsMirror, MAX_DESCRIPTION, type MirrorOptions } from '@eds/github';
import { startGithubEmulator, type GithubEmulator } from '../emulators/github/server.js';
import { recordAt, withState } from './records.js';

const FAST = { attempts: 3, baseMs: 10, maxWaitMs: 2000 };

describe('Deployments API mirror against the GitHub emulator', () => {
  let gh: GithubEmulator;
  const warnings: string[] = [];

  const mirror = (overrides: Partial<MirrorOptions> = {}) =>
    new DeploymentsMirror({
      octokit: getOctokit('ghs_token', { baseUrl: gh.url }),
      owner: 'acme',
      repo: 'shop',
      ref: 'c0ffee0000000000000000000000000000000001',
      logUrl: 'https://github.com/acme/shop/actions/runs/1',
      transient: false,
      warn: (m) => warnings.push(m),
      info: () => undefined,
      retry: FAST,
      ...overrides,
    });

  beforeAll(async () => {
    gh = await startGithubEmulator({ token: 'ghs_token', failingContexts: ['ci/test'] });
  });
  afterAll(() => gh.close());

  it('creates one deployment and posts queued → in_progress → success as the record changes', async () => {
    const m = mirror();
    const pending = recordAt('prod', 'PROD', { status: 'PENDING' });
    const running = withState(pending, {
      status: 'IN_PROGRESS',
      phase: 'RUNNING',
      currentStep: 'step1-web-weight',
    });
    const paused = withState(running, {
      status: 'IN_PROGRESS',
      phase: 'PAUSED',
      currentStep: 'step3-pause',
      pauseReason: 'manual',
      endpoints: { web: 'http://127.0.0.1:4000' },
    });
    const done = withState(paused, {
      status: 'COMPLETED',
      phase: 'COMPLETED',
      currentStep: null,
      pauseReason: null,
    });
    for (const r of [pending, running, running, paused, done]) void m.sync(r);
    await m.flush();

    const created = gh.requests.filter(
      (r) => r.method === 'POST' && r.path === '/repos/acme/shop/deployments',
    );
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toEqual({
      ref: 'c0ffee0000000000000000000000000000000001',
      task: 'deploy',
      environment: 'prod',
      payload: { eds: { deploymentId: pending.deployment.id, application: 'shop' } },
      description: `EDS ${pending.deployment.id}`,
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
      transient_environment: false,
    });
    expect(created[0]?.authorization).toBe('token ghs_token');
    const id = m.githubId(pending.deployment.id) as number;
    // The same state twice (a new revision without a visible change) posts nothing.
    expect(gh.statesOf(id)).toEqual(['queued', 'in_progress', 'in_progress', 'success']);
    const statuses = gh.statuses.get(id) ?? [];
    expect(statuses[2]).toMatchObject({
      description: expect.stringContaining('paused at step3-pause, waiting for promote'),
      environment_url: 'http://127.0.0.1:4000',
    });
    expect(statuses[3]).toMatchObject({
      log_url: 'https://github.com/acme/shop/actions/runs/1',
      environment_url: 'http://127.0.0.1:4000',
    });
    expect(warnings).toEqual([]);
  });

  it('finds the GitHub deployment again in a later job (by payload) and marks the superseded production one inactive', async () => {
    const first = recordAt('live', 'PROD', { status: 'COMPLETED', phase: 'COMPLETED' });
    const one = mirror();
    await one.sync(first);
    const firstId = one.githubId(first.deployment.id) as number;

    const second = recordAt('live', 'PROD', {
      status: 'IN_PROGRESS',
      phase: 'PAUSED',
      pauseReason: 'manual',
      currentStep: 'pause',
    });
    await mirror().sync(second);
    // A later job (a new mirror: nothing in memory) promotes it.
    const later = mirror();
    await later.sync(withState(second, { status: 'COMPLETED', phase: 'COMPLETED' }));
    const secondId = later.githubId(second.deployment.id) as number;
    expect(gh.deployments.filter((d) => d.environment === 'live')).toHaveLength(2);
    expect(gh.statesOf(secondId)).toEqual(['in_progress', 'success']);
    // Production deployments get no auto_inactive from GitHub: the mirror posts it.
    expect(gh.statesOf(firstId)).toEqual(['success', 'inactive']);
    expect(gh.statuses.get(firstId)?.at(-1)?.description).toBe(`superseded by ${second.deployment.id}`);
  });

  it('maps failure, rollback, abort and policy blocks, and keeps descriptions within 140 characters', async () => {
    const m = mirror({ transient: true });
    const rolledBack = recordAt('review-42', 'DEV', {
      status: 'FAILED',
      phase: 'ROLLED_BACK',
      reason: `errorRate 0.31 failed condition < 0.05 ${'x'.repeat(200)}`,
    });
    const aborted = recordAt('review-42', 'DEV', { status: 'CANCELLED', phase: 'ABORTED' });
    const blocked = recordAt('review-42', 'DEV', { status: 'FAILED', phase: 'FAILED', reason: 'blocked' });
    blocked.reports.blockedByPolicy = true;
    await m.sync(rolledBack);
    await m.sync(aborted);
    await m.sync(blocked);
    const rolledBackStatus = gh.statuses.get(m.githubId(rolledBack.deployment.id) as number)?.[0];
    expect(rolledBackStatus?.state).toBe('failure');
    expect(rolledBackStatus?.description.startsWith('rolled back: errorRate 0.31')).toBe(true);
    expect(rolledBackStatus?.description.length).toBe(MAX_DESCRIPTION);
    expect(gh.statesOf(m.githubId(aborted.deployment.id) as number)).toEqual(['inactive']);
    expect(gh.statuses.get(m.githubId(blocked.deployment.id) as number)?.[0]?.description).toMatch(
      /^blocked by policy/,
    );
    const created = gh.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/deployments') && r.body?.environment === 'review-42',
    );
    expect(
      created.every((r) => r.body?.transient_environment === true && r.body.production_environment === false),
    ).toBe(true);
  });

  it('retries a 502 and a rate-limited 403 (retry-after) and then succeeds', async () => {
    gh.fail({ status: 502, match: /^POST .*\/deployments$/ });
    gh.fail({
      status: 403,
      message: 'You have exceeded a secondary rate limit',
      headers: { 'retry-after': '0' },
      match: /statuses$/,
    });
    const m = mirror();
    const record = recordAt('flaky', 'STAGING', { status: 'COMPLETED', phase: 'COMPLETED' });
    await m.sync(record);
    expect(gh.statesOf(m.githubId(record.deployment.id) as number)).toEqual(['success']);
    expect(warnings).toEqual([]);
  });

  it('warns and carries on when GitHub keeps failing (500) or a request is refused (422)', async () => {
    for (let i = 0; i < FAST.attempts; i++) gh.fail({ status: 500, match: /^POST .*\/deployments$/ });
    const m = mirror();
    const record = recordAt('down', 'STAGING', { status: 'IN_PROGRESS', phase: 'RUNNING' });
    await expect(m.sync(record)).resolves.toBeUndefined();
    await expect(
      m.sync(withState(record, { status: 'COMPLETED', phase: 'COMPLETED' })),
    ).resolves.toBeUndefined();
    expect(m.githubId(record.deployment.id)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not create a GitHub deployment .* \(HTTP 500\).*continues without it/);
    warnings.length = 0;

    // A refusal is not retried: one request, one warning, and the mirror goes on.
    gh.fail({ status: 422, match: /statuses$/ });
    const refused = recordAt('down', 'STAGING', { status: 'COMPLETED', phase: 'COMPLETED' });
    const before = gh.requests.length;
    await mirror().sync(refused);
    expect(
      gh.requests.slice(before).filter((r) => r.path.endsWith('/statuses') && r.method === 'POST'),
    ).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/could not post the success status .*HTTP 422/)]);
    warnings.length = 0;
  });

  it('warns once when the API is unreachable, without waiting out a rate limit that resets far away', async () => {
    const m = mirror({ octokit: getOctokit('t', { baseUrl: 'http://127.0.0.1:9' }) });
    await m.sync(recordAt('nowhere', 'DEV', { status: 'COMPLETED', phase: 'COMPLETED' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not create a GitHub deployment/);
    warnings.length = 0;

    gh.fail({
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      },
    });
    const started = Date.now();
    await mirror().sync(recordAt('limited', 'DEV', { status: 'COMPLETED', phase: 'COMPLETED' }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(warnings[0]).toMatch(/HTTP 403/);
    warnings.length = 0;
  });
});
