import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { DeploymentFailedError, LockedError, PolicyError, ValidationError } from '../errors/index.js';
import { environmentOf, isTerminal, type AppSpec, type LoadedSpec } from '../model/index.js';
import { runAnalysis } from '../analysis/index.js';
import { createPipelineState, definePipeline, runPipeline } from '../pipeline/index.js';
import {
  appendEvent,
  createRecord,
  newDeploymentId,
  type Actor,
  type DeploymentRecord,
  type EnvironmentLock,
  type RecordStore,
} from '../records/index.js';
import type { Target } from '../targets/index.js';
import { EventBus } from '../observability/index.js';
import { DeploymentSession } from './session.js';
import { lazyTarget } from './lazy-target.js';
import { deploymentPipeline } from './plan.js';
import {
  deploymentStepKinds,
  ensureVersion,
  recordMeasurement,
  recordVerdict,
  sleep,
  waitUntilHealthy,
  type PrepareHooks,
} from './steps/index.js';

export interface ControllerOptions {
  store: RecordStore;
  actor: Actor;
  /** Opens the environment's target (host agent, VM hosts, …). */
  openTarget: (application: AppSpec, environment: string) => Promise<Target>;
  /** Instance environment for a deployment (config values, `--set`); may hold secrets, never recorded. */
  instanceEnv?: (record: DeploymentRecord) => Promise<Record<string, string>>;
  hooks?: PrepareHooks;
  log?: (line: string) => void;
  bus?: EventBus;
  clock?: () => Date;
  /** How long a running process's lock lives without renewal. */
  lockTtlMs?: number;
  /** Deployments kept per environment (Helm's `--history-max`); default: the record store's own. */
  historyMax?: number;
}

export interface DeployRequest {
  loaded: LoadedSpec;
  environment: string;
  versions?: Record<string, string>;
  set?: Record<string, string>;
  strategy?: string;
  /** Block at pauses instead of exiting PAUSED. */
  wait?: boolean;
  /** Wait this long for a locked environment instead of failing with exit 4. */
  waitLockMs?: number;
  rollbackOf?: string;
  /** Abort (roll back) a deployment still running or waiting after this long; recorded as the reason. */
  timeoutMs?: number;
  /** Deploy a stored configuration version (config rollback) instead of rendering the sources. */
  configVersion?: number;
}

/**
 * The deployment controller. Every command starts from the record, takes the environment lock, runs the
 * pipeline from where the record says it is, and leaves a record the next command (in any process, on any
 * CI system) can continue: PAUSED deployments hold the lock without a process until promoted or aborted.
 */
export class Controller {
  readonly bus: EventBus;
  readonly #clock: () => Date;
  readonly #log: (line: string) => void;
  readonly #ttl: number;

  constructor(readonly options: ControllerOptions) {
    this.bus = options.bus ?? new EventBus();
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log ?? (() => undefined);
    this.#ttl = options.lockTtlMs ?? 60_000;
  }

  get store(): RecordStore {
    return this.options.store;
  }

  // ---- commands ------------------------------------------------------------------------------------------

  async deploy(request: DeployRequest): Promise<DeploymentRecord> {
    const { spec, file, text } = request.loaded;
    environmentOf(spec, request.environment, file);
    const versions = this.#versions(spec, request.versions ?? {}, file);
    if (request.strategy && !['ROLLING', 'BLUE_GREEN', 'CANARY'].includes(request.strategy)) {
      throw new ValidationError(`unknown strategy "${request.strategy}"`, {
        path: '--strategy',
        expected: 'one of ROLLING, BLUE_GREEN, CANARY',
      });
    }
    const requestSnapshot = {
      versions,
      set: request.set ?? {},
      strategy: request.strategy ?? null,
      ...(request.rollbackOf ? { rollbackOf: request.rollbackOf } : {}),
      ...(request.configVersion ? { configVersion: request.configVersion } : {}),
    };

    // A deployment of the same request that a killed process left unfinished is continued, not duplicated.
    const unfinished = await this.#unfinished(spec.name, request.environment);
    if (unfinished && JSON.stringify(unfinished.spec.request) === JSON.stringify(requestSnapshot)) {
      this.#log(`continuing unfinished deployment ${unfinished.deployment.id} of the same request`);
      return this.#continue(unfinished.deployment.id, {
        wait: request.wait,
        waitLockMs: request.waitLockMs,
        timeoutMs: request.timeoutMs,
      });
    }

    const now = this.#clock();
    const id = newDeploymentId(spec.name, request.environment, now);
    await this.#acquire(spec.name, request.environment, id, request.waitLockMs);
    try {
      // Read again under the lock: while this deploy waited (--wait-lock), the deployment seen before may have
      // finished normally; only one still unfinished now is superseded.
      const orphan = await this.#unfinished(spec.name, request.environment);
      if (orphan) await this.#supersede(orphan, id);
      // The record is created now, under the lock (the id was minted when the request came in).
      const createdAt = this.#clock();
      const previous = await this.#lastCompleted(spec.name, request.environment);
      const stableVersions = Object.fromEntries(
        (previous?.deployment.components ?? []).map((c) => [c.name, c.version]),
      );
      const envSpec = environmentOf(spec, request.environment, file);
      const record = createRecord({
        id,
        application: spec.name,
        environment: request.environment,
        description: spec.description ?? `${spec.name} to ${request.environment}`,
        strategy: (request.strategy ?? envSpec.strategy.type) as DeploymentRecord['deployment']['strategy'],
        components: spec.components.map((c) => ({ name: c.name, version: versions[c.name] })),
        actor: this.options.actor,
        now: createdAt,
        spec: {
          file,
          sha256: createHash('sha256').update(text).digest('hex'),
          application: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
          request: requestSnapshot,
        },
      });
      record.progress.stableVersions = stableVersions;
      // The router listener outlives deployments: until this one routes, its endpoints are the previous ones.
      record.progress.endpoints = { ...(previous?.progress.endpoints ?? {}) };
      const state = createPipelineState(
        definePipeline(deploymentPipeline({ ...record, revision: 1 }), this.#anyKinds()),
        {
          id: `${id}/pipeline`,
          deploymentId: id,
        },
      );
      record.pipeline = state.pipeline;
      record.progress.steps = state.steps;
      const created = await this.store.put(record, 0);
      this.#log(
        `deployment ${id} created: ${created.deployment.components.map((c) => `${c.name}@${c.version}`).join(', ')}`,
      );
      return await this.#run(created, request.wait ?? false, request.timeoutMs);
    } catch (error) {
      await this.#releaseIfNotPaused(spec.name, request.environment, id);
      throw error;
    }
  }

  /** Continue a deployment from its record (after a kill, or to re-check a pause). */
  resume(id: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<DeploymentRecord> {
    return this.#continue(id, options);
  }

  /** Record a promotion and continue in this process; `full` skips remaining steps and analysis. */
  async promote(
    id: string,
    options: { full?: boolean; wait?: boolean; timeoutMs?: number } = {},
  ): Promise<DeploymentRecord> {
    const record = await this.#requireActive(id, 'promote');
    const step = record.progress.currentStep;
    await this.store.update(id, (r) => {
      appendEvent(r, {
        at: this.#clock(),
        type: 'Promoted',
        message: `${this.options.actor.user} via ${this.options.actor.frontEnd} promoted${options.full ? ' (full: remaining steps skipped)' : step ? ` past ${step}` : ''}`,
        by: this.options.actor,
        data: { step, full: options.full === true },
      });
      return r;
    });
    return this.#continueOrSignal(id, options);
  }

  async approve(
    id: string,
    user: string,
    decision: 'approved' | 'rejected',
    comment?: string,
  ): Promise<DeploymentRecord> {
    const record = await this.#requireActive(id, decision === 'approved' ? 'approve' : 'reject');
    const app = record.spec.application as unknown as AppSpec;
    const approvals = app.environments[record.deployment.environment]?.approvals;
    if (!approvals)
      throw new ValidationError(`environment ${record.deployment.environment} requires no approvals`, {
        code: 'NO_APPROVAL_GATE',
      });
    if (!approvals.approvers.includes(user)) {
      throw new PolicyError(
        `${user} is not an approver of ${record.deployment.environment} (approvers: ${approvals.approvers.join(', ')})`,
        { code: 'NOT_AN_APPROVER' },
      );
    }
    if (user === record.deployment.createdBy) {
      throw new PolicyError(`${user} requested this deployment and cannot approve it`, {
        code: 'SELF_APPROVAL',
      });
    }
    if (record.progress.pauseReason !== 'approval' && decision === 'approved') {
      throw new ValidationError(
        `deployment ${id} is not waiting for approval (phase ${record.progress.phase})`,
        { code: 'NOT_AWAITING_APPROVAL' },
      );
    }
    await this.store.update(id, (r) => {
      r.progress.approvals = r.progress.approvals.filter((a) => a.by !== user);
      r.progress.approvals.push({
        by: user,
        at: this.#clock().toISOString(),
        decision,
        ...(comment ? { comment } : {}),
      });
      appendEvent(r, {
        at: this.#clock(),
        type: decision === 'approved' ? 'Approved' : 'Rejected',
        message: `${user} ${decision} via ${this.options.actor.frontEnd}`,
        by: { ...this.options.actor, user },
      });
      return r;
    });
    if (decision === 'rejected') return this.abort(id, `rejected by ${user}`);
    return this.#continueOrSignal(id, {});
  }

  /** Traffic back to stable at once, the new version removed, status CANCELLED. */
  async abort(id: string, reason?: string): Promise<DeploymentRecord> {
    const record = await this.#requireActive(id, 'abort');
    const lock = await this.store.getLock(record.application, record.deployment.environment);
    const live = lock !== undefined && this.#runningElsewhere(lock, id);
    if (live && !(lock.owner?.pid === process.pid && lock.owner.host === hostname())) {
      // A process is running it right now: ask it to stop, through the record, and wait for it.
      await this.store.update(id, (r) => {
        appendEvent(r, {
          at: this.#clock(),
          type: 'AbortRequested',
          message: `${this.options.actor.user} via ${this.options.actor.frontEnd} requested abort${reason ? `: ${reason}` : ''}`,
          by: this.options.actor,
        });
        return r;
      });
      const deadline = Date.now() + 120_000;
      for (;;) {
        const current = await this.store.require(id);
        if (isTerminal(current.deployment.status)) return current;
        if (Date.now() > deadline)
          throw new DeploymentFailedError(
            `abort requested, but ${lock.owner?.host ?? '?'} pid ${lock.owner?.pid ?? '?'} has not finished it yet`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await this.#acquire(record.application, record.deployment.environment, id, undefined);
    const session = await this.#session(record);
    try {
      await session.event(
        'AbortRequested',
        `${this.options.actor.user} via ${this.options.actor.frontEnd} aborted${reason ? `: ${reason}` : ''}`,
      );
      return await this.#rollBack(session, 'CANCELLED', reason ?? `aborted by ${this.options.actor.user}`);
    } finally {
      await this.store.releaseLock(record.application, record.deployment.environment, id, 'aborted');
    }
  }

  /** A new deployment of the previous COMPLETED versions (or `to`'s), fast: no steps, no analysis. */
  async rollback(loaded: LoadedSpec, environment: string, to?: string): Promise<DeploymentRecord> {
    const { spec } = loaded;
    environmentOf(spec, environment, loaded.file);
    const history = (await this.store.list({ application: spec.name, environment, limit: 200 })).records;
    const completed = history.filter((r) => r.deployment.status === 'COMPLETED');
    let target: DeploymentRecord | undefined;
    if (to) {
      target = await this.store.require(to);
      if (target.deployment.status !== 'COMPLETED')
        throw new ValidationError(
          `${to} did not complete (${target.deployment.status}); only a COMPLETED deployment can be rolled back to`,
          { code: 'NOT_ROLLBACK_TARGET' },
        );
    } else {
      target = completed[1];
      if (!target)
        throw new ValidationError(`no previous COMPLETED deployment of ${environment} to roll back to`, {
          code: 'NO_ROLLBACK_TARGET',
        });
    }
    const versions = Object.fromEntries(target.deployment.components.map((c) => [c.name, c.version]));
    return this.deploy({
      loaded,
      environment,
      versions,
      set: target.spec.request.set,
      strategy: 'BLUE_GREEN',
      rollbackOf: target.deployment.id,
    });
  }

  /**
   * Tear an environment down (GitLab's `on_stop`, a review app's end): abort what is in progress, remove every
   * version the last deployment left running, and note it on that record. The history stays.
   */
  async stop(
    loaded: LoadedSpec,
    environment: string,
  ): Promise<{ removed: string[]; record: DeploymentRecord | undefined }> {
    const { spec } = loaded;
    environmentOf(spec, environment, loaded.file);
    const unfinished = await this.#unfinished(spec.name, environment);
    if (unfinished) await this.abort(unfinished.deployment.id, 'environment stopped');
    const holder = `stop.${spec.name}.${environment}`;
    await this.#acquire(spec.name, environment, holder, undefined);
    try {
      const latest = await this.store.latest(spec.name, environment);
      if (!latest) return { removed: [], record: undefined };
      const target = await this.options.openTarget(
        latest.spec.application as unknown as AppSpec,
        environment,
      );
      const removed: string[] = [];
      for (const c of latest.deployment.components) {
        const versions = new Set([c.version, ...Object.keys(latest.progress.weights[c.name] ?? {})]);
        const stable = latest.progress.stableVersions[c.name];
        if (stable) versions.add(stable);
        for (const version of versions) {
          await target.remove(c.name, version);
          removed.push(`${c.name}@${version}`);
        }
      }
      const record = await this.store.update(latest.deployment.id, (r) => {
        appendEvent(r, {
          at: this.#clock(),
          type: 'EnvironmentStopped',
          message: `${this.options.actor.user} via ${this.options.actor.frontEnd} stopped ${environment}: removed ${removed.join(', ') || 'nothing'}`,
          by: this.options.actor,
        });
        return r;
      });
      return { removed, record };
    } finally {
      await this.store.releaseLock(spec.name, environment, holder, 'stopped');
    }
  }

  // ---- the runbook of one run --------------------------------------------------------------------------

  async #run(initial: DeploymentRecord, wait: boolean, timeoutMs?: number): Promise<DeploymentRecord> {
    const session = await this.#session(initial);
    const { application } = initial;
    const environment = initial.deployment.environment;
    const heartbeat = setInterval(
      () => {
        void this.store
          .acquireLock(application, environment, {
            holder: session.id,
            owner: this.options.actor,
            ttlMs: this.#ttl,
          })
          .catch(() => undefined);
      },
      Math.max(1000, this.#ttl / 3),
    );
    heartbeat.unref();
    // A timeout is an abort like any other: recorded first, then obeyed through the record.
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            void session
              .event(
                'AbortRequested',
                `timed out after ${timeoutMs < 1000 ? `${timeoutMs}ms` : `${Math.round(timeoutMs / 1000)}s`}`,
                { timeout: true },
              )
              .catch(() => undefined);
          }, timeoutMs);
    try {
      for (;;) {
        const record = await this.#runOnce(session);
        if (record.progress.phase !== 'PAUSED' || !wait) return record;
        await this.#waitForDecision(session);
      }
    } finally {
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
    }
  }

  async #runOnce(session: DeploymentSession): Promise<DeploymentRecord> {
    const record = session.record;
    await this.#markRunning(session);
    const compiled = definePipeline(
      deploymentPipeline(record),
      deploymentStepKinds(session, this.options.hooks ?? {}),
    );
    const background = this.#startBackgroundAnalysis(session);
    let outcome;
    try {
      outcome = await runPipeline({
        pipeline: compiled,
        state: { pipeline: session.record.pipeline, steps: session.record.progress.steps },
        persist: (state) =>
          session
            .mutate((r) => {
              r.pipeline = state.pipeline;
              r.progress.steps = state.steps;
            })
            .then(() => undefined),
        signal: session.abort.signal,
        environment: { name: record.deployment.environment },
        onTransition: (event) => {
          if (event.status === 'IN_PROGRESS') {
            this.#log(`▶ ${event.stepId}`);
            background.onStep(event.stepId);
            void session.mutate((r) => {
              r.progress.currentStep = event.stepId;
            });
          } else if (event.status === 'COMPLETED')
            this.#log(`✔ ${event.stepId}${event.skipped ? ' (skipped)' : ''}`);
          else if (event.status === 'FAILED') this.#log(`✘ ${event.stepId}: ${event.error ?? ''}`);
        },
      });
    } finally {
      await background.stop();
    }
    if (outcome.status === 'COMPLETED') return this.#complete(session);
    if (outcome.status === 'PAUSED')
      return this.#pause(session, outcome.paused?.stepId ?? null, outcome.paused?.reason ?? 'manual');
    const aborted = session.hasEvent('AbortRequested');
    const abortRequest = [...session.record.events].reverse().find((e) => e.type === 'AbortRequested');
    const reason =
      background.failure ??
      outcome.failed?.error ??
      (aborted ? (abortRequest?.message ?? 'aborted') : 'cancelled');
    if (session.record.reports.blockedByPolicy === true) return this.#blocked(session, reason);
    return this.#rollBack(
      session,
      aborted && !background.failure ? 'CANCELLED' : 'FAILED',
      reason,
      outcome.failed?.stepId,
    );
  }

  async #markRunning(session: DeploymentSession): Promise<void> {
    await session.mutate((r) => {
      if (r.deployment.status === 'PENDING') {
        r.deployment.status = 'IN_PROGRESS';
        r.deployment.startedAt = this.#clock().toISOString();
        for (const c of r.deployment.components) c.status = 'IN_PROGRESS';
      }
      r.progress.phase = 'RUNNING';
      r.progress.pauseReason = null;
      r.progress.pausedAt = null;
    });
    await session.event('Running', `running ${session.id} in pid ${process.pid} on ${hostname()}`);
  }

  async #complete(session: DeploymentSession): Promise<DeploymentRecord> {
    // Clean-up after success is best effort: the rollout itself already succeeded.
    await this.options.hooks?.completed?.(session).catch((error: unknown) => {
      this.#log(`warning: after-completion clean-up failed: ${(error as Error).message}`);
    });
    await session.event(
      'Completed',
      `${session.id} completed: ${session.record.deployment.components.map((c) => `${c.name}@${c.version}`).join(', ')} serving all traffic`,
    );
    const done = await session.mutate((r) => {
      r.deployment.status = 'COMPLETED';
      r.deployment.completedAt = this.#clock().toISOString();
      for (const c of r.deployment.components) c.status = 'COMPLETED';
      r.progress.phase = 'COMPLETED';
      r.progress.currentStep = null;
    });
    await this.store.releaseLock(done.application, done.deployment.environment, session.id, 'completed');
    await this.#trimHistory(done);
    return done;
  }

  async #pause(session: DeploymentSession, stepId: string | null, reason: string): Promise<DeploymentRecord> {
    const pauseReason = reason === 'approval' ? 'approval' : 'manual';
    await session.event(
      'Paused',
      `${session.id} paused at ${stepId ?? '?'} (${pauseReason}): continue with \`eds ${pauseReason === 'approval' ? 'approve' : 'promote'} ${session.id}\` or \`eds abort ${session.id}\``,
    );
    const paused = await session.mutate((r) => {
      r.progress.phase = 'PAUSED';
      r.progress.pauseReason = pauseReason;
      r.progress.pausedAt = this.#clock().toISOString();
      r.progress.currentStep = stepId;
    });
    // Held without a process (no expiry) until promoted or aborted: the environment stays explained.
    await this.store.acquireLock(paused.application, paused.deployment.environment, {
      holder: session.id,
      owner: this.options.actor,
      ttlMs: null,
    });
    return paused;
  }

  async #blocked(session: DeploymentSession, reason: string): Promise<DeploymentRecord> {
    await session.event('BlockedByPolicy', `blocked by policy before any change: ${reason}`);
    const done = await session.mutate((r) => {
      r.deployment.status = 'FAILED';
      r.deployment.completedAt = this.#clock().toISOString();
      for (const c of r.deployment.components) c.status = 'FAILED';
      r.progress.phase = 'FAILED';
      r.progress.reason = reason;
    });
    await this.store.releaseLock(
      done.application,
      done.deployment.environment,
      session.id,
      'blocked by policy',
    );
    await this.#trimHistory(done);
    return done;
  }

  /**
   * Roll back: all traffic to stable at once (that is the moment that matters), then stable back to full
   * size, then the new version removed. Each step converges, so a rollback interrupted midway can be re-run.
   */
  async #rollBack(
    session: DeploymentSession,
    status: 'FAILED' | 'CANCELLED',
    reason: string,
    failedStep?: string,
  ): Promise<DeploymentRecord> {
    const { target } = session.deps;
    await session.event(
      'RollingBack',
      `rolling back ${session.id}: ${reason}`,
      failedStep ? { step: failedStep } : undefined,
    );
    for (const c of session.record.deployment.components) {
      const stable = session.record.progress.stableVersions[c.name] ?? null;
      if (stable && stable !== c.version) {
        const state = await target.router.setWeights(c.name, { [stable]: 100 }, []);
        await session.mutate((r) => {
          r.progress.weights[c.name] = { [stable]: 100 };
          r.progress.endpoints[c.name] = state.endpoint;
        });
        this.#log(`${c.name}: all traffic back on ${stable}`);
      }
    }
    const errors: string[] = [];
    for (const c of session.record.deployment.components) {
      const stable = session.record.progress.stableVersions[c.name] ?? null;
      try {
        if (stable && stable !== c.version) {
          // Stable goes back to full size with the spec it was deployed with (the agent keeps it): the new
          // spec may be what broke, so it must not be applied to stable on the way back.
          await this.#restoreStable(session, c.name, stable, session.component(c.name).replicas);
          await target.remove(c.name, c.version);
        } else if (!stable) {
          await target.remove(c.name, c.version);
          await session.mutate((r) => {
            r.progress.weights[c.name] = {};
          });
        }
      } catch (error) {
        errors.push(`${c.name}: ${(error as Error).message}`);
      }
    }
    const done = await session.mutate((r) => {
      r.deployment.status = status;
      r.deployment.completedAt = this.#clock().toISOString();
      for (const c of r.deployment.components) c.status = status;
      r.progress.phase = status === 'CANCELLED' ? 'ABORTED' : 'ROLLED_BACK';
      r.progress.reason = reason + (errors.length ? `; rollback problems: ${errors.join('; ')}` : '');
      appendEvent(r, {
        at: this.#clock(),
        type: status === 'CANCELLED' ? 'Aborted' : 'RolledBack',
        message: `${session.id} ${status === 'CANCELLED' ? 'aborted' : 'rolled back'}: traffic on ${r.deployment.components.map((c) => `${c.name}@${r.progress.stableVersions[c.name] ?? 'none'}`).join(', ')}`,
        by: this.options.actor,
      });
    });
    await this.store.releaseLock(
      done.application,
      done.deployment.environment,
      session.id,
      status === 'CANCELLED' ? 'aborted' : 'rolled back',
    );
    await this.#trimHistory(done);
    return done;
  }

  async #restoreStable(
    session: DeploymentSession,
    component: string,
    version: string,
    replicas: number,
  ): Promise<void> {
    const { target } = session.deps;
    const log = (line: string) => this.#log(line);
    const request = { component, version, instances: replicas, deadlineMs: 60_000 };
    const current = await target.health(component, version);
    if (!current || current.desired === 0) {
      // Nothing of stable left (e.g. removed by hand): start it again from this deployment's spec.
      await ensureVersion(session, request, new AbortController().signal, log);
      return;
    }
    if (current.desired < replicas) await target.scale(component, version, replicas);
    await waitUntilHealthy(target, request, new AbortController().signal, log);
  }

  /** Canary background analysis: from the first weight step until the final promotion, failing the rollout at once. */
  #startBackgroundAnalysis(session: DeploymentSession): {
    onStep(stepId: string): void;
    stop(): Promise<void>;
    failure: string | undefined;
  } {
    const app = session.application;
    const strategy = app.environments[session.record.deployment.environment]?.strategy;
    const template =
      strategy?.type === 'CANARY' && !session.record.spec.request.strategy ? strategy.analysis : undefined;
    const controller = new AbortController();
    const runs: Promise<void>[] = [];
    const state = {
      failure: undefined as string | undefined,
      onStep: (stepId: string) => {
        if (!template || runs.length || controller.signal.aborted) return;
        if (!/^step\d+-.*-weight$/.test(stepId)) return;
        for (const c of session.record.deployment.components) {
          const stable = session.record.progress.stableVersions[c.name];
          if (!stable || stable === c.version) continue;
          const stepKey = `background-${c.name}`;
          const existing = session.record.progress.analysis.find((a) => a.step === stepKey);
          const startedAt = existing?.startedAt ?? this.#clock().toISOString();
          runs.push(
            runAnalysis({
              template,
              component: c.name,
              canaryVersion: c.version,
              stableVersion: stable,
              metrics: session.deps.target.metrics,
              mode: 'background',
              signal: controller.signal,
              previous: existing?.measurements ?? [],
              startedAt: Date.parse(startedAt),
              onMeasurement: (m) => recordMeasurement(session, stepKey, startedAt, m),
            })
              .then(async (verdict) => {
                // Inconclusive in the background decides nothing: the steps' own analyses and pauses do.
                if ((verdict.phase === 'Failed' || verdict.phase === 'Error') && !controller.signal.aborted) {
                  state.failure = `background analysis ${verdict.phase.toLowerCase()}: ${verdict.message}`;
                  await recordVerdict(session, stepKey, startedAt, verdict.phase, verdict.message);
                  session.abort.abort(new Error(state.failure));
                } else await recordVerdict(session, stepKey, startedAt, verdict.phase, verdict.message);
              })
              .catch(() => undefined),
          );
        }
      },
      stop: async () => {
        controller.abort(new Error('rollout finished'));
        await Promise.all(runs);
      },
    };
    // Final promotion steps end background analysis: traffic is about to be all canary anyway.
    const onStep = state.onStep;
    state.onStep = (stepId: string) => {
      if (/-full$/.test(stepId)) controller.abort(new Error('promotion'));
      onStep(stepId);
    };
    return state;
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  async #session(record: DeploymentRecord): Promise<DeploymentSession> {
    const app = record.spec.application as unknown as AppSpec;
    const target = lazyTarget(
      () => this.options.openTarget(app, record.deployment.environment),
      `${record.deployment.environment} target`,
    );
    const instanceEnv = this.options.instanceEnv
      ? await this.options.instanceEnv(record)
      : { ...record.spec.request.set };
    return new DeploymentSession(record, {
      store: this.store,
      target,
      actor: this.options.actor,
      clock: this.#clock,
      bus: this.bus,
      log: this.#log,
      instanceEnv,
    });
  }

  async #continue(
    id: string,
    options: { wait?: boolean | undefined; waitLockMs?: number | undefined; timeoutMs?: number | undefined },
  ): Promise<DeploymentRecord> {
    const record = await this.#requireActive(id, 'resume');
    await this.#acquire(record.application, record.deployment.environment, id, options.waitLockMs);
    try {
      return await this.#run(record, options.wait ?? false, options.timeoutMs);
    } catch (error) {
      await this.#releaseIfNotPaused(record.application, record.deployment.environment, id);
      throw error;
    }
  }

  /** Continue in this process, unless a live process is running the deployment: then the record tells it. */
  async #continueOrSignal(
    id: string,
    options: { wait?: boolean | undefined; timeoutMs?: number | undefined },
  ): Promise<DeploymentRecord> {
    const record = await this.store.require(id);
    const lock = await this.store.getLock(record.application, record.deployment.environment);
    const live = lock !== undefined && this.#runningElsewhere(lock, id);
    if (live) return record;
    return this.#continue(id, options);
  }

  async #waitForDecision(session: DeploymentSession): Promise<void> {
    const seen = session.record.events.length;
    this.#log(
      `waiting at ${session.record.progress.currentStep ?? '?'} (--wait): promote, approve or abort from anywhere`,
    );
    await this.store.acquireLock(session.record.application, session.record.deployment.environment, {
      holder: session.id,
      owner: this.options.actor,
      ttlMs: this.#ttl,
    });
    for (;;) {
      await sleep(500, new AbortController().signal);
      const latest = await session.mutate(() => undefined);
      if (
        latest.events
          .slice(seen)
          .some((e) => ['Promoted', 'Approved', 'Rejected', 'AbortRequested'].includes(e.type))
      )
        return;
    }
  }

  /** Keep the environment's history bounded; a failure to trim never fails the deployment. */
  async #trimHistory(record: DeploymentRecord): Promise<void> {
    try {
      const removed = await this.store.trimHistory(
        record.application,
        record.deployment.environment,
        this.options.historyMax,
      );
      if (removed.length) this.#log(`history: removed ${removed.length} old deployment record(s)`);
    } catch (error) {
      this.#log(`warning: could not trim the history: ${(error as Error).message}`);
    }
  }

  /** A process holds the deployment's lock with an unexpired lease: it is running the deployment now. */
  #runningElsewhere(lock: EnvironmentLock, id: string): boolean {
    return (
      lock.state === 'held' &&
      lock.holder === id &&
      lock.expiresAt !== null &&
      Date.parse(lock.expiresAt) > this.#clock().getTime()
    );
  }

  async #requireActive(id: string, verb: string): Promise<DeploymentRecord> {
    const record = await this.store.require(id);
    if (isTerminal(record.deployment.status)) {
      throw new ValidationError(
        `cannot ${verb} ${id}: it is already ${record.deployment.status} (${record.progress.phase})`,
        {
          code: 'DEPLOYMENT_FINISHED',
          expected: 'a PENDING or IN_PROGRESS deployment',
        },
      );
    }
    return record;
  }

  async #acquire(
    application: string,
    environment: string,
    holder: string,
    waitMs: number | undefined,
  ): Promise<void> {
    const deadline = Date.now() + (waitMs ?? 0);
    for (;;) {
      try {
        await this.store.acquireLock(application, environment, {
          holder,
          owner: this.options.actor,
          ttlMs: this.#ttl,
        });
        return;
      } catch (error) {
        if (!(error instanceof LockedError) || Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async #releaseIfNotPaused(application: string, environment: string, id: string): Promise<void> {
    const record = await this.store.get(id).catch(() => undefined);
    if (record && record.progress.phase === 'PAUSED') return;
    await this.store
      .releaseLock(application, environment, id, 'released after an error')
      .catch(() => undefined);
  }

  async #unfinished(application: string, environment: string): Promise<DeploymentRecord | undefined> {
    const { records } = await this.store.list({ application, environment, limit: 5 });
    return records.find((r) => !isTerminal(r.deployment.status));
  }

  /** An unfinished deployment whose process is gone and a new request: cancel it (traffic back to its stable). */
  async #supersede(old: DeploymentRecord, by: string): Promise<void> {
    const session = await this.#session(old);
    await session.event('Superseded', `superseded by ${by}`);
    await this.#rollBack(session, 'CANCELLED', `superseded by ${by}`);
    await this.store.acquireLock(old.application, old.deployment.environment, {
      holder: by,
      owner: this.options.actor,
      ttlMs: this.#ttl,
    });
  }

  async #lastCompleted(application: string, environment: string): Promise<DeploymentRecord | undefined> {
    const { records } = await this.store.list({ application, environment, limit: 200 });
    return records.find((r) => r.deployment.status === 'COMPLETED');
  }

  #versions(spec: AppSpec, overrides: Record<string, string>, file: string): Record<string, string> {
    const names = spec.components.map((c) => c.name);
    for (const [name, version] of Object.entries(overrides)) {
      if (!names.includes(name))
        throw new ValidationError(
          `--set-version names unknown component "${name}"; components: ${names.join(', ')}`,
          { file, path: '--set-version' },
        );
      if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version)) {
        throw new ValidationError(`--set-version ${name}=${version}: not a semantic version`, {
          path: '--set-version',
          expected: 'x.y.z',
        });
      }
    }
    return Object.fromEntries(spec.components.map((c) => [c.name, overrides[c.name] ?? c.version]));
  }

  /** Kinds for checking a definition before a session exists (names only matter). */
  #anyKinds() {
    const placeholder = { record: undefined } as unknown as DeploymentSession;
    return deploymentStepKinds(placeholder, {});
  }
}
