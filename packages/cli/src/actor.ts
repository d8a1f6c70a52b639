import os from 'node:os';
import type { Actor } from '@eds/core';

/**
 * Who is acting, and from where. Front ends set EDS_FRONT_END / EDS_USER / EDS_JOB_URL explicitly; the CI
 * variables below are the fallback when `eds` is called by hand inside a job.
 */
export function currentActor(env: NodeJS.ProcessEnv = process.env, override?: string): Actor {
  const user =
    override ??
    env.EDS_USER ??
    env.GITHUB_ACTOR ??
    env.GITLAB_USER_LOGIN ??
    env.BUILD_USER_ID ??
    safeUsername();
  const jobUrl =
    env.EDS_JOB_URL ??
    (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined) ??
    env.CI_JOB_URL ??
    env.BUILD_URL;
  return {
    user,
    frontEnd: env.EDS_FRONT_END ?? 'cli',
    host: os.hostname(),
    pid: process.pid,
    ...(jobUrl ? { jobUrl } : {}),
  };
}

function safeUsername(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
