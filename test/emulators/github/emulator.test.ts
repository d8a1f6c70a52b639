import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getOctokit } from '@actions/github';
import { startGithubEmulator, type GithubEmulator } from './server.js';

/** The emulator held against the real client EDS uses (@actions/github's Octokit), as GitHub documents the API. */
describe('GitHub Deployments emulator, through @actions/github', () => {
  let gh: GithubEmulator;
  let octokit: ReturnType<typeof getOctokit>;
  const repo = { owner: 'acme', repo: 'shop' };

  beforeAll(async () => {
    gh = await startGithubEmulator({ token: 'ghs_good', failingContexts: ['ci/test'] });
    octokit = getOctokit('ghs_good', { baseUrl: gh.url });
  });
  afterAll(() => gh.close());

  it('creates a deployment (201) with the fields GitHub returns, and reads it back', async () => {
    const created = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: 'main',
      environment: 'prod',
      payload: { eds: { deploymentId: 'x' } },
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
    });
    expect(created.status).toBe(201);
    const data = created.data as {
      id: number;
      environment: string;
      production_environment: boolean;
      payload: unknown;
      task: string;
    };
    expect(data).toMatchObject({
      environment: 'prod',
      production_environment: true,
      task: 'deploy',
      payload: { eds: { deploymentId: 'x' } },
    });
    const read = await octokit.rest.repos.getDeployment({ ...repo, deployment_id: data.id });
    expect(read.data.id).toBe(data.id);
    expect(created.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
    expect(created.headers['x-ratelimit-limit']).toBe('5000');
  });

  it('answers 409 when required_contexts is left to default while a status check fails, and 422 without ref', async () => {
    await expect(
      octokit.rest.repos.createDeployment({ ...repo, ref: 'main', environment: 'prod' }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/deployments', { ...repo, environment: 'prod' } as never),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('validates statuses (state, 140-character description) and lists them newest first', async () => {
    const { data } = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: 'main',
      environment: 'staging',
      required_contexts: [],
    });
    const id = (data as { id: number }).id;
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: id, state: 'in_progress' });
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: 'success',
      environment_url: 'http://x',
      log_url: 'http://log',
    });
    await expect(
      octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: id, state: 'paused' as never }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: id,
        state: 'failure',
        description: 'x'.repeat(141),
      }),
    ).rejects.toMatchObject({ status: 422 });
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: id,
    });
    expect(statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(statuses[0]).toMatchObject({
      environment_url: 'http://x',
      log_url: 'http://log',
      target_url: 'http://log',
    });
    await expect(
      octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: 999_999 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('marks earlier successful non-production deployments inactive (auto_inactive), not production ones', async () => {
    const make = async (environment: string, production: boolean) => {
      const { data } = await octokit.rest.repos.createDeployment({
        ...repo,
        ref: 'main',
        environment,
        required_contexts: [],
        production_environment: production,
      });
      const id = (data as { id: number }).id;
      await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: id, state: 'success' });
      return id;
    };
    const oldReview = await make('review', false);
    await make('review', false);
    expect(gh.statesOf(oldReview)).toEqual(['success', 'inactive']);
    const oldProd = await make('production-like', true);
    await make('production-like', true);
    expect(gh.statesOf(oldProd)).toEqual(['success']);
  });

  it('paginates newest first with Link headers that octokit.paginate follows', async () => {
    for (let i = 0; i < 5; i++)
      await octokit.rest.repos.createDeployment({
        ...repo,
        ref: 'main',
        environment: 'paged',
        required_contexts: [],
        description: `n${i}`,
      });
    const first = await octokit.rest.repos.listDeployments({ ...repo, environment: 'paged', per_page: 2 });
    expect(first.headers.link).toContain('rel="next"');
    expect(first.data.map((d) => d.description)).toEqual(['n4', 'n3']);
    const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
      ...repo,
      environment: 'paged',
      per_page: 2,
    });
    expect(all.map((d) => d.description)).toEqual(['n4', 'n3', 'n2', 'n1', 'n0']);
  });

  it('refuses a bad token (401) and injects faults: 502, and a 403 rate limit with its headers', async () => {
    const stranger = getOctokit('ghs_bad', { baseUrl: gh.url });
    await expect(stranger.rest.repos.listDeployments(repo)).rejects.toMatchObject({ status: 401 });
    gh.fail({ status: 502 });
    await expect(octokit.rest.repos.listDeployments(repo)).rejects.toMatchObject({ status: 502 });
    gh.fail({
      status: 403,
      message: 'API rate limit exceeded',
      headers: { 'x-ratelimit-remaining': '0', 'retry-after': '1' },
    });
    const limited = await octokit.rest.repos
      .listDeployments(repo)
      .catch((e: unknown) => e as { status: number; response: { headers: Record<string, string> } });
    expect(limited).toMatchObject({
      status: 403,
      response: { headers: { 'x-ratelimit-remaining': '0', 'retry-after': '1' } },
    });
    expect((await octokit.rest.repos.listDeployments(repo)).status).toBe(200);
  });

  it('enforces its primary rate limit with the documented 403', async () => {
    const tiny = await startGithubEmulator({ rateLimit: 1 });
    try {
      const client = getOctokit('any', { baseUrl: tiny.url });
      await client.rest.repos.listDeployments(repo);
      await expect(client.rest.repos.listDeployments(repo)).rejects.toMatchObject({
        status: 403,
        response: { headers: { 'x-ratelimit-remaining': '0' } },
      });
    } finally {
      await tiny.close();
    }
  });
});
