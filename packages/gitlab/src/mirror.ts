import { gitlabContextFrom, type GitLabContext } from './ci-context.js';
import { gitbeakerClient, type GitLabClient, type GitLabDeployment } from './client.js';
import { fileLinkStore, memoryLinkStore, type DeploymentLink, type LinkStore } from './link-store.js';
import { mergeRequestNote, noteStateOf } from './note.js';
import {
  DEFAULT_RETRY,
  describeFailure,
  realSleep,
  withRetry,
  type RetryPolicy,
  type Sleep,
} from './retry.js';
import { gitlabStateOf, type ApiDeploymentStatus } from './status.js';
import type { MirroredSummary } from './summary.js';

export interface MirrorOptions {
  /** The EDS state directory; the link to the GitLab deployment is kept there for later jobs. */
  stateDir?: string;
  /** Where warnings go (the CLI passes its stderr logger). */
  log?: (line: string) => void;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Tests inject a client or a link store; production builds both from the environment. */
  client?: GitLabClient;
  links?: LinkStore;
}

export interface MirrorOutcome {
  /** False when not in a GitLab job, or when GitLab could not be reached / refused; the deployment is unaffected. */
  mirrored: boolean;
  gitlabDeploymentId?: number;
  status?: ApiDeploymentStatus;
  /** What happened to the merge request note: posted, not needed, or why not. */
  note: 'posted' | 'none' | 'no-merge-request' | 'needs-token' | 'failed';
  warnings: string[];
}

interface Run {
  client: GitLabClient;
  context: GitLabContext;
  links: LinkStore;
  call: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
}

/**
 * A deployment EDS did not link yet may still have a GitLab twin: one made through the API (no CI job behind
 * it), still running, for the same commit — for instance by the deploy job when this job cannot see its state
 * directory. CI-made deployments are skipped: GitLab refuses API updates to them (403).
 */
async function findTwin(run: Run, environment: string): Promise<GitLabDeployment | undefined> {
  const running = await run.call('listing deployments', () => run.client.runningDeployments(environment));
  return running.find((d) => d.deployable == null && d.sha === run.context.sha && d.ref === run.context.ref);
}

async function syncDeployment(run: Run, summary: MirroredSummary, status: ApiDeploymentStatus) {
  let link = await run.links.read(summary.id);
  if (!link) {
    const twin = await findTwin(run, summary.environment);
    if (twin) {
      link = {
        projectId: run.context.projectId,
        gitlabDeploymentId: twin.id,
        status: 'running',
        notedState: null,
      };
    }
  }
  if (!link) {
    const created = await run.call('creating the deployment', () =>
      run.client.createDeployment({
        environment: summary.environment,
        sha: run.context.sha,
        ref: run.context.ref,
        tag: run.context.tag,
        status,
      }),
    );
    link = { projectId: run.context.projectId, gitlabDeploymentId: created.id, status, notedState: null };
  } else if (link.status !== status) {
    const id = link.gitlabDeploymentId;
    await run.call(`setting deployment ${id} to ${status}`, () => run.client.updateDeployment(id, status));
    link = { ...link, status };
  }
  await run.links.write(summary.id, link);
  return link;
}

async function postNote(
  run: Run,
  summary: MirroredSummary,
  link: DeploymentLink,
): Promise<MirrorOutcome['note']> {
  const state = noteStateOf(summary);
  if (!state || link.notedState === state) return 'none';
  const iid = run.context.mergeRequestIid;
  if (iid === undefined) return 'no-merge-request';
  // GitLab does not accept CI_JOB_TOKEN on the Notes API; only a configured token can comment.
  if (run.context.auth.kind === 'jobToken') return 'needs-token';
  await run.call(`commenting on merge request !${iid}`, () =>
    run.client.createMergeRequestNote(iid, mergeRequestNote(summary, run.context.jobUrl)),
  );
  await run.links.write(summary.id, { ...link, notedState: state });
  return 'posted';
}

/**
 * Mirror one EDS result to GitLab: create the deployment the first time, move its status on later, and
 * comment on the merge request at pauses and at the end. Never throws and never changes an exit code —
 * GitLab being down, or a token lacking permission, costs a warning, not a deployment.
 */
export async function mirrorToGitLab(
  summary: MirroredSummary,
  env: NodeJS.ProcessEnv,
  options: MirrorOptions = {},
): Promise<MirrorOutcome> {
  const warnings: string[] = [];
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const warn = (line: string) => {
    warnings.push(line);
    log(`warning: ${line}`);
  };
  const found = gitlabContextFrom(env);
  if (!found.ok) {
    log(`gitlab mirror: skipped, not in a GitLab CI job (missing ${found.missing.join(', ')})`);
    return { mirrored: false, note: 'none', warnings };
  }
  const { context } = found;
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? realSleep;
  const run: Run = {
    context,
    client: options.client ?? gitbeakerClient(context),
    links: options.links ?? (options.stateDir ? fileLinkStore(options.stateDir) : memoryLinkStore()),
    call: (what, fn) => withRetry(what, fn, { policy, sleep, log }),
  };
  const { status, blocked } = gitlabStateOf(summary);
  let link: DeploymentLink;
  try {
    link = await syncDeployment(run, summary, status);
  } catch (error) {
    warn(
      `gitlab mirror: could not record ${summary.id} as ${status} in GitLab (${describeFailure(error)}); the deployment itself is unaffected`,
    );
    return { mirrored: false, status, note: 'none', warnings };
  }
  if (blocked)
    log(
      `gitlab mirror: ${summary.id} waits for approval (GitLab deployment ${link.gitlabDeploymentId} stays running)`,
    );
  let note: MirrorOutcome['note'];
  try {
    note = await postNote(run, summary, link);
    if (note === 'needs-token')
      log('gitlab mirror: no merge request note: set EDS_GITLAB_TOKEN (CI_JOB_TOKEN cannot post notes)');
  } catch (error) {
    warn(`gitlab mirror: could not comment on the merge request (${describeFailure(error)})`);
    note = 'failed';
  }
  return { mirrored: true, gitlabDeploymentId: link.gitlabDeploymentId, status, note, warnings };
}
