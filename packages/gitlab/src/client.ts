import { Deployments, MergeRequestNotes } from '@gitbeaker/rest';
import type { GitLabContext } from './ci-context.js';
import type { ApiDeploymentStatus } from './status.js';

/** A deployment as GitLab's API returns it (the fields the mirror reads). */
export interface GitLabDeployment {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  status: string;
  /** The CI job that made it; null for deployments created through the API (only those can be updated). */
  deployable: unknown;
}

/** The four calls the mirror makes; gitbeaker in production, anything in tests. */
export interface GitLabClient {
  createDeployment(input: {
    environment: string;
    sha: string;
    ref: string;
    tag: boolean;
    status: ApiDeploymentStatus;
  }): Promise<GitLabDeployment>;
  updateDeployment(id: number, status: ApiDeploymentStatus): Promise<GitLabDeployment>;
  runningDeployments(environment: string): Promise<GitLabDeployment[]>;
  createMergeRequestNote(mergeRequestIid: number, body: string): Promise<{ id: number }>;
}

/** A slow GitLab must not hold a deployment job for gitbeaker's default five minutes. */
const QUERY_TIMEOUT_MS = 10_000;

export function gitbeakerClient(context: GitLabContext): GitLabClient {
  const options = {
    host: context.host,
    queryTimeout: QUERY_TIMEOUT_MS,
    ...(context.auth.kind === 'token' ? { token: context.auth.value } : { jobToken: context.auth.value }),
  };
  const deployments = new Deployments(options);
  const notes = new MergeRequestNotes(options);
  const project = context.projectId;
  return {
    createDeployment: async ({ environment, sha, ref, tag, status }) =>
      await deployments.create(project, environment, sha, ref, tag, {
        status,
      }),
    updateDeployment: async (id, status) => await deployments.edit(project, id, status),
    runningDeployments: async (environment) =>
      await deployments.all(project, {
        environment,
        status: 'running',
        orderBy: 'id',
        sort: 'desc',
        perPage: 20,
        maxPages: 1,
      }),
    createMergeRequestNote: async (iid, body) => {
      const note = await notes.create(project, iid, body);
      return { id: Number(note.id) };
    },
  };
}
