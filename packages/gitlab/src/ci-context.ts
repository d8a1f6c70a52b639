/** Where and as whom the mirror talks to GitLab, read from the predefined CI/CD variables of a job. */
export interface GitLabContext {
  /** GitLab's base URL (gitbeaker appends /api/v4). */
  host: string;
  projectId: string;
  sha: string;
  ref: string;
  tag: boolean;
  /** A personal/project/group access token (EDS_GITLAB_TOKEN) or the job's own CI_JOB_TOKEN. */
  auth: { kind: 'token'; value: string } | { kind: 'jobToken'; value: string };
  mergeRequestIid: number | undefined;
  jobUrl: string | undefined;
}

export type ContextResult = { ok: true; context: GitLabContext } | { ok: false; missing: string[] };

const API_SUFFIX = /\/api\/v4\/?$/;

/** The merge request of this pipeline: CI_MERGE_REQUEST_IID in MR pipelines, else this project's open MR of the branch. */
function mergeRequestOf(env: NodeJS.ProcessEnv): number | undefined {
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (Number.isInteger(iid) && iid > 0) return iid;
  // CI_OPEN_MERGE_REQUESTS: "group/project!12,other/fork!3" (branch pipelines, up to 4 entries).
  for (const entry of (env.CI_OPEN_MERGE_REQUESTS ?? '').split(',')) {
    const [project, number] = entry.trim().split('!');
    if (project && number && (!env.CI_PROJECT_PATH || project === env.CI_PROJECT_PATH)) {
      const open = Number(number);
      if (Number.isInteger(open) && open > 0) return open;
    }
  }
  return undefined;
}

export function gitlabContextFrom(env: NodeJS.ProcessEnv): ContextResult {
  const api = env.EDS_GITLAB_API_URL ?? env.CI_API_V4_URL;
  const host = api ? api.replace(API_SUFFIX, '') : env.CI_SERVER_URL;
  const projectId = env.EDS_GITLAB_PROJECT ?? env.CI_PROJECT_ID;
  const sha = env.CI_COMMIT_SHA;
  const tag = Boolean(env.CI_COMMIT_TAG);
  const ref = env.CI_COMMIT_TAG || env.CI_COMMIT_REF_NAME;
  const token = env.EDS_GITLAB_TOKEN;
  const jobToken = env.CI_JOB_TOKEN;
  const missing = [
    ...(host ? [] : ['CI_API_V4_URL']),
    ...(projectId ? [] : ['CI_PROJECT_ID']),
    ...(sha ? [] : ['CI_COMMIT_SHA']),
    ...(ref ? [] : ['CI_COMMIT_REF_NAME']),
    ...(token || jobToken ? [] : ['EDS_GITLAB_TOKEN or CI_JOB_TOKEN']),
  ];
  if (!host || !projectId || !sha || !ref || !(token || jobToken)) return { ok: false, missing };
  return {
    ok: true,
    context: {
      host,
      projectId,
      sha,
      ref,
      tag,
      auth: token ? { kind: 'token', value: token } : { kind: 'jobToken', value: jobToken ?? '' },
      mergeRequestIid: mergeRequestOf(env),
      jobUrl: env.EDS_JOB_URL ?? env.CI_JOB_URL,
    },
  };
}
