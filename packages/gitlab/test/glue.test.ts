import { describe, expect, it } from '@jest/globals';
import { clearSecretsForTesting, redact } from '@eds/core';
import { gitlabContextFrom, gitlabStateOf, registerSecretVariables } from '@eds/gitlab';
import { jobEnv } from './fixtures.js';

describe('GitLab glue', () => {
  it('maps EDS states onto the four statuses GitLab’s API accepts', () => {
    expect(gitlabStateOf({ status: 'PENDING', phase: 'PENDING', pauseReason: null })).toEqual({
      status: 'running',
      blocked: false,
    });
    expect(gitlabStateOf({ status: 'IN_PROGRESS', phase: 'PAUSED', pauseReason: 'approval' })).toEqual({
      status: 'running',
      blocked: true,
    });
    expect(gitlabStateOf({ status: 'COMPLETED', phase: 'COMPLETED' })).toEqual({
      status: 'success',
      blocked: false,
    });
    expect(gitlabStateOf({ status: 'FAILED', phase: 'ROLLED_BACK' })).toEqual({
      status: 'failed',
      blocked: false,
    });
    expect(gitlabStateOf({ status: 'CANCELLED', phase: 'ABORTED' })).toEqual({
      status: 'canceled',
      blocked: false,
    });
  });

  it('reads the job: tag pipelines, merge request pipelines, and which token to use', () => {
    const tag = gitlabContextFrom(
      jobEnv('https://gitlab.example.com/api/v4', { CI_COMMIT_TAG: 'v1.2.0', CI_MERGE_REQUEST_IID: '12' }),
    );
    expect(tag).toMatchObject({
      ok: true,
      context: {
        host: 'https://gitlab.example.com',
        ref: 'v1.2.0',
        tag: true,
        mergeRequestIid: 12,
        auth: { kind: 'token' },
      },
    });
    const fork = gitlabContextFrom(
      jobEnv('https://gitlab.example.com/api/v4', {
        CI_OPEN_MERGE_REQUESTS: 'other/fork!3',
        EDS_GITLAB_TOKEN: '',
        CI_JOB_TOKEN: 'j',
      }),
    );
    expect(fork).toMatchObject({
      ok: true,
      context: { mergeRequestIid: undefined, auth: { kind: 'jobToken' } },
    });
  });

  it('registers the masked variables named in EDS_SECRET_VARS so EDS prints them as ***', () => {
    clearSecretsForTesting();
    const names = registerSecretVariables({
      EDS_SECRET_VARS: 'DB_PASSWORD, API_TOKEN\nUNSET bad-name',
      DB_PASSWORD: 's3cr3t-pw',
      API_TOKEN: 'tok-123456',
    });
    expect(names).toEqual(['DB_PASSWORD', 'API_TOKEN']);
    expect(redact('password s3cr3t-pw token tok-123456')).toBe('password *** token ***');
    clearSecretsForTesting();
  });
});
