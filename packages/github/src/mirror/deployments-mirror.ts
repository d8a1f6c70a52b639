import type * as github from '@actions/github';
import type { DeploymentRecord } from '@eds/core';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';
import { clip, statusOf, type GithubDeploymentState, type MirroredStatus } from './status-of.js';

export type Octokit = ReturnType<typeof github.getOctokit>;

export interface MirrorOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The commit or ref the deployment is of (the workflow's `GITHUB_SHA`). */
  ref: string;
  /** The workflow run, shown as the status's log link. */
  logUrl?: string;
  /** Review environments that GitHub may tidy up once inactive. */
  transient: boolean;
  warn: (message: string) => void;
  info: (message: string) => void;
  retry?: RetryOptions;
  /** Per request; an API that does not answer must not hold a deployment up. */
  timeoutMs?: number;
}

/** What EDS puts in a GitHub deployment's payload, so a later job (or another front end) finds it again. */
export interface EdsPayload {
  eds: { deploymentId: string; application: string };
}

const SUPERSEDED_LOOKBACK = 10;
const FIND_PAGES = 3;

/**
 * Mirrors EDS deployment records into the GitHub Deployments API: one GitHub deployment per EDS deployment
 * (found again through its payload), a status whenever what GitHub should show changes, and `inactive` for
 * the deployments a success supersedes. It never throws: GitHub being down or refusing is a warning, and the
 * deployment goes on. Calls run one at a time, in the order they were asked for, so statuses keep their order.
 */
export class DeploymentsMirror {
  #queue: Promise<void> = Promise.resolve();
  readonly #ids = new Map<string, number>();
  readonly #last = new Map<string, string>();
  #broken = false;

  constructor(readonly options: MirrorOptions) {}

  /** Bring GitHub in line with this record (creating the GitHub deployment the first time). */
  sync(record: DeploymentRecord): Promise<void> {
    return this.#enqueue(() => this.#sync(record, statusOf(record)));
  }

  /** Report a failure of EDS itself (exit 5) on a deployment that did not reach a final state. */
  error(record: DeploymentRecord, message: string): Promise<void> {
    return this.#enqueue(() => this.#sync(record, { state: 'error', description: clip(message) }));
  }

  /** Wait for everything asked so far. */
  flush(): Promise<void> {
    return this.#queue;
  }

  /** The GitHub deployment id of an EDS deployment, once known. */
  githubId(edsId: string): number | undefined {
    return this.#ids.get(edsId);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue
      .then(task)
      .catch((error: unknown) => this.#warn('GitHub deployment mirror failed', error));
    return this.#queue;
  }

  #warn(what: string, error: unknown): void {
    const status = (error as { status?: unknown }).status;
    const message = error instanceof Error ? error.message : String(error);
    this.options.warn(
      `${what}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${message}; the deployment continues without it`,
    );
  }

  #request() {
    return { signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) };
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return withRetry(call, this.options.retry ?? DEFAULT_RETRY);
  }

  async #sync(record: DeploymentRecord, status: MirroredStatus): Promise<void> {
    if (this.#broken) return;
    const edsId = record.deployment.id;
    const key = `${status.state}|${status.description}|${status.environmentUrl ?? ''}`;
    if (this.#last.get(edsId) === key) return;
    let githubId = this.#ids.get(edsId);
    if (githubId === undefined) {
      try {
        githubId = (await this.#find(record)) ?? (await this.#create(record));
      } catch (error) {
        // Without a deployment there is nothing to post statuses on: stop trying for the rest of this run.
        this.#broken = true;
        this.#warn(`could not create a GitHub deployment for ${edsId}`, error);
        return;
      }
      if (githubId === undefined) return;
      this.#ids.set(edsId, githubId);
    }
    await this.#post(githubId, status);
    this.#last.set(edsId, key);
    if (status.state === 'success') await this.#inactivateSuperseded(record, githubId);
  }

  async #find(record: DeploymentRecord): Promise<number | undefined> {
    const { octokit, owner, repo } = this.options;
    for (let page = 1; page <= FIND_PAGES; page++) {
      const { data } = await this.#call(() =>
        octokit.rest.repos.listDeployments({
          owner,
          repo,
          environment: record.deployment.environment,
          task: 'deploy',
          per_page: 100,
          page,
          request: this.#request(),
        }),
      );
      const match = data.find((d) => payloadOf(d.payload)?.eds.deploymentId === record.deployment.id);
      if (match) return match.id;
      if (data.length < 100) return undefined;
    }
    return undefined;
  }

  async #create(record: DeploymentRecord): Promise<number | undefined> {
    const { octokit, owner, repo, ref, transient } = this.options;
    const environment = record.deployment.environment;
    const payload: EdsPayload = {
      eds: { deploymentId: record.deployment.id, application: record.application },
    };
    const response = await this.#call(() =>
      octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref,
        task: 'deploy',
        environment,
        payload: payload as unknown as Record<string, unknown>,
        description: clip(`EDS ${record.deployment.id}`),
        // EDS decides what runs; GitHub must neither merge the default branch in nor wait for other checks.
        auto_merge: false,
        required_contexts: [],
        production_environment: tierOf(record) === 'PROD',
        transient_environment: transient,
        request: this.#request(),
      }),
    );
    const data = response.data as { id?: number; message?: string };
    if (typeof data.id !== 'number') {
      this.options.warn(
        `GitHub did not create a deployment for ${record.deployment.id}: ${data.message ?? `HTTP ${response.status}`}`,
      );
      this.#broken = true;
      return undefined;
    }
    this.options.info(`GitHub deployment ${data.id} mirrors ${record.deployment.id}`);
    return data.id;
  }

  async #post(githubId: number, status: MirroredStatus): Promise<void> {
    const { octokit, owner, repo, logUrl } = this.options;
    try {
      await this.#call(() =>
        octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: githubId,
          state: status.state,
          description: status.description,
          ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
          ...(logUrl ? { log_url: logUrl } : {}),
          request: this.#request(),
        }),
      );
    } catch (error) {
      this.#warn(`could not post the ${status.state} status of GitHub deployment ${githubId}`, error);
    }
  }

  /** Earlier EDS deployments of the environment whose latest status is success are now inactive. */
  async #inactivateSuperseded(record: DeploymentRecord, githubId: number): Promise<void> {
    const { octokit, owner, repo } = this.options;
    try {
      const { data } = await this.#call(() =>
        octokit.rest.repos.listDeployments({
          owner,
          repo,
          environment: record.deployment.environment,
          task: 'deploy',
          per_page: SUPERSEDED_LOOKBACK + 1,
          request: this.#request(),
        }),
      );
      for (const older of data
        .filter((d) => d.id !== githubId && payloadOf(d.payload))
        .slice(0, SUPERSEDED_LOOKBACK)) {
        const { data: statuses } = await this.#call(() =>
          octokit.rest.repos.listDeploymentStatuses({
            owner,
            repo,
            deployment_id: older.id,
            per_page: 1,
            request: this.#request(),
          }),
        );
        if (statuses[0]?.state !== 'success') continue;
        await this.#post(older.id, {
          state: 'inactive',
          description: clip(`superseded by ${record.deployment.id}`),
        });
      }
    } catch (error) {
      this.#warn('could not mark superseded GitHub deployments inactive', error);
    }
  }
}

function payloadOf(payload: unknown): EdsPayload | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const eds = (value as { eds?: { deploymentId?: unknown } } | null)?.eds;
  return typeof eds?.deploymentId === 'string' ? (value as EdsPayload) : undefined;
}

function tierOf(record: DeploymentRecord): string | undefined {
  const environments = (record.spec.application as { environments?: Record<string, { tier?: string }> })
    .environments;
  return environments?.[record.deployment.environment]?.tier;
}

export type { GithubDeploymentState };
