import os from 'node:os';
import path from 'node:path';
import {
  defaultStateDir,
  EdsService,
  isTerminal,
  loadSpecFile,
  toEdsError,
  ValidationError,
  type Actor,
  type DeploymentRecord,
  type LoadedSpec,
} from '@eds/core';
import { openMirror, runUrl, type MirrorSettings } from './mirror/open-mirror.js';
import type { DeploymentsMirror } from './mirror/deployments-mirror.js';
import { watchRecord, type WatchTarget } from './mirror/watch.js';
import type { DeploymentRef, WorkspaceInputs } from './requests.js';
import { StepLog } from './step-log.js';

/** Who acts: the workflow's actor (or `EDS_USER`), through the `github` front end, from this run. */
export function githubActor(env: NodeJS.ProcessEnv = process.env): Actor {
  const jobUrl = env.EDS_JOB_URL ?? runUrl(env);
  return {
    user: env.EDS_USER ?? env.GITHUB_ACTOR ?? 'github-actions',
    frontEnd: 'github',
    host: os.hostname(),
    pid: process.pid,
    ...(jobUrl ? { jobUrl } : {}),
  };
}

/** One action run: the service every action calls, the spec (read when first needed), and the mirror. */
export class ActionSession {
  readonly log = new StepLog();
  readonly stateDir: string;
  #service: EdsService | undefined;
  #spec: LoadedSpec | undefined;
  /** The GitHub deployment the mirror used, when there was one. */
  githubDeploymentId: number | undefined;

  constructor(
    readonly workspace: WorkspaceInputs,
    readonly options: { vulnReports?: string[]; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.stateDir = defaultStateDir(workspace.state, this.env);
  }

  get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  get service(): EdsService {
    this.#service ??= new EdsService({
      stateDir: this.stateDir,
      store: this.workspace.store ?? this.env.EDS_STORE ?? 'file',
      actor: githubActor(this.env),
      env: this.env,
      log: this.log.write,
      ...(this.options.vulnReports?.length ? { vulnReports: this.options.vulnReports } : {}),
    });
    return this.#service;
  }

  get spec(): LoadedSpec {
    this.#spec ??= loadSpecFile(path.resolve(this.workspace.file));
    return this.#spec;
  }

  /** The id a `deployment-id` / `environment` pair means: the id itself, or the latest deployment there. */
  async deploymentId(ref: DeploymentRef): Promise<string> {
    if (ref.id) return ref.id;
    if (!ref.environment) {
      throw new ValidationError('give deployment-id, or environment for its latest deployment', {
        path: 'deployment-id',
        expected: 'a deployment id or an environment name',
      });
    }
    const latest = await this.service.store.latest(this.spec.spec.name, ref.environment);
    if (!latest) {
      throw new ValidationError(`no deployments of ${this.spec.spec.name} to ${ref.environment} yet`, {
        path: 'environment',
      });
    }
    return latest.deployment.id;
  }

  /** What to watch while a new deployment of `environment` is being created (anything but today's latest). */
  async nextDeploymentOf(environment: string): Promise<WatchTarget> {
    const application = this.spec.spec.name;
    const latest = await this.service.store.latest(application, environment);
    return { application, environment, notId: latest?.deployment.id };
  }

  /**
   * Run an operation while mirroring its record into GitHub Deployments as it changes. The mirror never
   * changes the outcome: its failures are warnings, and the operation's result or error is what returns.
   */
  async mirrored(
    settings: MirrorSettings,
    target: WatchTarget,
    operation: () => Promise<DeploymentRecord>,
  ): Promise<DeploymentRecord> {
    const mirror = await openMirror(settings, this.env);
    if (!mirror) return this.#logged(operation);
    const watcher = watchRecord(this.service.store, target, (record) => void mirror.sync(record));
    let final: DeploymentRecord | undefined;
    try {
      final = await this.#logged(operation);
      await watcher.stop();
      await mirror.sync(final);
      return final;
    } catch (error) {
      await watcher.stop();
      await this.#mirrorFailure(mirror, watcher.seen(), error);
      throw error;
    } finally {
      await mirror.flush();
      const id = (final ?? watcher.seen())?.deployment.id;
      if (id) this.githubDeploymentId = mirror.githubId(id);
    }
  }

  async #logged(operation: () => Promise<DeploymentRecord>): Promise<DeploymentRecord> {
    try {
      return await operation();
    } finally {
      this.log.close();
    }
  }

  /** After an error: show GitHub where the record ended; `error` if EDS itself failed mid-way. */
  async #mirrorFailure(
    mirror: DeploymentsMirror,
    seen: DeploymentRecord | undefined,
    error: unknown,
  ): Promise<void> {
    if (!seen) return;
    const current = (await this.service.store.get(seen.deployment.id).catch(() => undefined)) ?? seen;
    if (isTerminal(current.deployment.status)) await mirror.sync(current);
    else if (toEdsError(error).exitCode === 5) await mirror.error(current, toEdsError(error).message);
    else await mirror.sync(current);
  }
}
