import * as core from '@actions/core';
import { DEFAULT_RETRY } from './retry.js';
import { DeploymentsMirror } from './deployments-mirror.js';

export interface MirrorSettings {
  enabled: boolean;
  token: string | undefined;
  transient: boolean;
}

/** The run's page, which a deployment status links to as its log. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = env;
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined;
  const attempt = GITHUB_RUN_ATTEMPT && GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${GITHUB_RUN_ATTEMPT}` : '';
  return `${GITHUB_SERVER_URL ?? 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}${attempt}`;
}

/**
 * The mirror for this run, or undefined when it is turned off or cannot work here (no token, not in a
 * repository's workflow) — said once, because EDS runs fine without it. `EDS_GITHUB_RETRY_BASE_MS` tunes the
 * first retry's back-off (default 1 s).
 */
export async function openMirror(
  settings: MirrorSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeploymentsMirror | undefined> {
  if (!settings.enabled) return undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ref = env.GITHUB_SHA ?? env.GITHUB_REF;
  if (!settings.token || !owner || !repo || !ref) {
    core.info('GitHub deployments are not mirrored: no token, GITHUB_REPOSITORY or GITHUB_SHA');
    return undefined;
  }
  // Loaded only when mirroring: Octokit and its HTTP stack are most of the bundle's start-up time.
  const github = await import('@actions/github');
  const baseMs = Number(env.EDS_GITHUB_RETRY_BASE_MS);
  const logUrl = runUrl(env);
  return new DeploymentsMirror({
    octokit: github.getOctokit(settings.token, { baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com' }),
    owner,
    repo,
    ref,
    transient: settings.transient,
    ...(logUrl ? { logUrl } : {}),
    warn: (message) => core.warning(message),
    info: (message) => core.info(message),
    retry: Number.isFinite(baseMs) && baseMs >= 0 ? { ...DEFAULT_RETRY, baseMs } : DEFAULT_RETRY,
  });
}
