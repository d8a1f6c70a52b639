import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Deployments, MergeRequestNotes } from '@gitbeaker/rest';
import { httpStatusOf } from '@eds/gitlab';
import { startGitLabEmulator, type GitLabEmulator } from '../../../test/emulators/gitlab/server.js';

/** The emulator held against the real client: what gitbeaker sends, the emulator answers as GitLab documents. */
let gitlab: GitLabEmulator;
let deployments: InstanceType<typeof Deployments>;
let notes: InstanceType<typeof MergeRequestNotes>;
const SHA = 'a'.repeat(40);

async function rejection(
  promise: Promise<unknown>,
): Promise<{ status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { status: httpStatusOf(error), message: (error as Error).message };
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  gitlab = await startGitLabEmulator({
    project: { id: 42, path: 'shop/hello', mergeRequests: [7] },
    tokens: { 'glpat-good': 'release-bot' },
    jobTokens: { 'job-token-1': 'alice' },
  });
  deployments = new Deployments({ host: gitlab.url, token: 'glpat-good' });
  notes = new MergeRequestNotes({ host: gitlab.url, token: 'glpat-good' });
});
afterAll(async () => gitlab.close());

describe('GitLab emulator with @gitbeaker/rest', () => {
  it('creates, lists, shows and updates deployments by id and by URL-encoded project path', async () => {
    const created = await deployments.create(42, 'prod', SHA, 'main', false, { status: 'running' });
    expect(created).toMatchObject({ ref: 'main', sha: SHA, status: 'running', deployable: null });
    expect(created.environment).toMatchObject({ name: 'prod' });
    const listed = await deployments.all('shop/hello', {
      environment: 'prod',
      status: 'running',
      orderBy: 'id',
      sort: 'desc',
    });
    expect(listed.map((d) => d.id)).toEqual([created.id]);
    const updated = await deployments.edit(42, created.id, 'success');
    expect(updated.status).toBe('success');
    expect((await deployments.show(42, created.id)).status).toBe('success');
    expect(await deployments.all(42, { environment: 'prod', status: 'running' })).toEqual([]);
  });

  it('answers invalid parameters with Grape’s 400 messages', async () => {
    const blocked = await rejection(
      deployments.create(42, 'prod', SHA, 'main', false, { status: 'blocked' as 'running' }),
    );
    expect(blocked).toEqual({ status: 400, message: 'status does not have a valid value' });
    const created = await deployments.create(42, 'prod', SHA, 'main', false, { status: 'success' });
    // A finished deployment cannot run again (Deployment#run only leaves created/blocked).
    expect((await rejection(deployments.edit(42, created.id, 'running'))).status).toBe(400);
    const missing = await rejection(notes.create(42, 7, ''));
    expect(missing).toEqual({ status: 400, message: 'body is missing' });
  });

  it('refuses API updates to deployments made by CI jobs (403) and unknown ones (404)', async () => {
    const job = gitlab.addJobDeployment({ environment: 'prod', sha: SHA, ref: 'main', status: 'running' });
    const forbidden = await rejection(deployments.edit(42, job.id, 'success'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toMatch(/Deployments created using GitLab CI can not be updated using the API/);
    expect((await rejection(deployments.show(42, 999_999))).status).toBe(404);
    expect((await rejection(deployments.all(43))).message).toBe('404 Project Not Found');
  });

  it('authenticates access tokens and job tokens, and keeps job tokens off the Notes API', async () => {
    const bad = new Deployments({ host: gitlab.url, token: 'nope' });
    expect(await rejection(bad.all(42))).toEqual({ status: 401, message: '401 Unauthorized' });
    const job = new Deployments({ host: gitlab.url, jobToken: 'job-token-1' });
    expect(Array.isArray(await job.all(42))).toBe(true);
    const jobNotes = new MergeRequestNotes({ host: gitlab.url, jobToken: 'job-token-1' });
    expect((await rejection(jobNotes.create(42, 7, 'hi'))).status).toBe(401);
    const note = await notes.create(42, 7, 'deployed');
    expect(note).toMatchObject({ body: 'deployed', noteable_type: 'MergeRequest', noteable_iid: 7 });
  });

  it('answers an injected 500 the way GitLab does, once', async () => {
    gitlab.failNext(1);
    expect(await rejection(deployments.all(42))).toEqual({
      status: 500,
      message: '500 Internal Server Error',
    });
    expect(Array.isArray(await deployments.all(42))).toBe(true);
  });
});
