import path from 'node:path';
import {
  configDiff,
  configHistory,
  configText,
  ConfigStore,
  loadConfigVersion,
  renderConfig,
  renderManifests,
  snapshotOfRender,
  writeRendered,
  type ConfigDiffResult,
  type ConfigVersionSummary,
} from '../config/index.js';
import { Controller, openTarget } from '../controller/index.js';
import { ValidationError } from '../errors/index.js';
import { environmentOf, type AppSpec, type LoadedSpec } from '../model/index.js';
import { openStore, type Actor, type DeploymentRecord, type RecordStore } from '../records/index.js';
import type { SecurityCheckResult } from '../security/index.js';
import { checkEnvironment, writeCheckReports, type ReportPaths } from './check.js';
import { deploymentHooks } from './hooks.js';

export interface EdsServiceOptions {
  stateDir: string;
  /** Record store backend (default `file`). */
  store?: string;
  storeSettings?: Record<string, string>;
  actor: Actor;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** `--vuln-report` files for the deploy pipeline's check step. */
  vulnReports?: string[];
  /** Deployments kept per environment; default: the record store's (file: all, kubernetes: 10). */
  historyMax?: number;
}

export interface DeployInput {
  loaded: LoadedSpec;
  environment: string;
  versions?: Record<string, string>;
  set?: Record<string, string>;
  strategy?: string;
  wait?: boolean;
  waitLockMs?: number;
  /** Abort (roll back) when still running or waiting after this long. */
  timeoutMs?: number;
}

export interface RenderInput {
  loaded: LoadedSpec;
  environment: string;
  set?: Record<string, string>;
  outDir?: string;
  format?: 'yaml' | 'json';
  /** Put secret values into Secret manifests (only when writing files the cluster will read). */
  includeSecrets?: boolean;
}

/**
 * The operations every front end calls — the CLI, the GitHub actions, anything embedding EDS — so they all
 * behave the same: one place that wires the store, the target, the controller, configuration and security.
 */
export class EdsService {
  readonly store: RecordStore;
  readonly env: NodeJS.ProcessEnv;
  #controller: Controller | undefined;

  constructor(readonly options: EdsServiceOptions) {
    this.env = options.env ?? process.env;
    this.store = openStore({
      stateDir: options.stateDir,
      store: options.store ?? 'file',
      ...(options.storeSettings ? { settings: options.storeSettings } : {}),
    });
  }

  get controller(): Controller {
    if (!this.#controller) {
      const { hooks, instanceEnv } = deploymentHooks({
        store: this.store,
        stateDir: this.options.stateDir,
        env: this.env,
        ...(this.options.vulnReports ? { vulnReports: this.options.vulnReports } : {}),
      });
      this.#controller = new Controller({
        store: this.store,
        actor: this.options.actor,
        hooks,
        instanceEnv,
        ...(this.options.historyMax !== undefined ? { historyMax: this.options.historyMax } : {}),
        ...(this.options.log ? { log: this.options.log } : {}),
        openTarget: (app: AppSpec, environment: string) => {
          const env = app.environments[environment];
          if (!env) throw new ValidationError(`environment ${environment} is not in the deployment's spec`);
          const routerPorts = Object.fromEntries(
            app.components
              .filter((c) => c.port !== undefined && c.port > 0)
              .map((c) => [c.name, c.port as number]),
          );
          // Cluster targets also need names, the strategy's layout and each component's image and size.
          const components = Object.fromEntries(
            app.components.map((c) => [
              c.name,
              {
                ...(c.image ? { image: c.image } : {}),
                specVersion: c.version,
                replicas: c.replicas,
                ...(c.port ? { port: c.port } : {}),
                ...(c.health?.http ? { healthPath: c.health.http } : {}),
              },
            ]),
          );
          const strategy = env.strategy;
          return openTarget(env.target, {
            stateDir: this.options.stateDir,
            env: this.env,
            routerPorts,
            application: app.name,
            environment,
            strategy: {
              type: strategy.type,
              ...(strategy.type === 'ROLLING'
                ? { maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable }
                : {}),
            },
            components,
          });
        },
      });
    }
    return this.#controller;
  }

  deploy(input: DeployInput): Promise<DeploymentRecord> {
    return this.controller.deploy({
      loaded: input.loaded,
      environment: input.environment,
      versions: input.versions ?? {},
      set: input.set ?? {},
      ...(input.strategy ? { strategy: input.strategy.toUpperCase() } : {}),
      wait: input.wait ?? false,
      ...(input.waitLockMs !== undefined ? { waitLockMs: input.waitLockMs } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    });
  }

  resume(id: string, wait = false): Promise<DeploymentRecord> {
    return this.controller.resume(id, { wait });
  }

  promote(
    id: string,
    options: { full?: boolean; wait?: boolean; timeoutMs?: number } = {},
  ): Promise<DeploymentRecord> {
    return this.controller.promote(id, options);
  }

  abort(id: string): Promise<DeploymentRecord> {
    return this.controller.abort(id);
  }

  approve(id: string, user: string, comment?: string): Promise<DeploymentRecord> {
    return this.controller.approve(id, user, 'approved', comment);
  }

  reject(id: string, user: string, comment?: string): Promise<DeploymentRecord> {
    return this.controller.approve(id, user, 'rejected', comment);
  }

  rollback(loaded: LoadedSpec, environment: string, to?: string): Promise<DeploymentRecord> {
    return this.controller.rollback(loaded, environment, to);
  }

  stop(
    loaded: LoadedSpec,
    environment: string,
  ): Promise<{ removed: string[]; record: DeploymentRecord | undefined }> {
    return this.controller.stop(loaded, environment);
  }

  /** `eds check`: the policy decision and the reports, without deploying. */
  async check(
    loaded: LoadedSpec,
    environment: string,
    vulnReports: string[],
    reports: ReportPaths,
  ): Promise<{ result: SecurityCheckResult; written: string[] }> {
    const result = await checkEnvironment({
      spec: loaded.spec,
      specFile: loaded.file,
      specText: loaded.text,
      environment,
      vulnReports,
      stateDir: this.options.stateDir,
      env: this.env,
    });
    const written = await writeCheckReports(result, reports, path.dirname(loaded.file));
    return { result, written };
  }

  /** `eds render`: the environment's configuration (host targets) and Kubernetes manifests, deterministic. */
  async render(
    input: RenderInput,
  ): Promise<{ text: string; files: string[]; hash: string; configText: string }> {
    environmentOf(input.loaded.spec, input.environment, input.loaded.file);
    const rendered = await renderConfig({
      spec: input.loaded.spec,
      specFile: input.loaded.file,
      specText: input.loaded.text,
      environment: input.environment,
      request: { set: Object.entries(input.set ?? {}).map(([k, v]) => `${k}=${v}`) },
      env: this.env,
      secrets: { stateDir: this.options.stateDir },
    });
    const manifests = await renderManifests({
      spec: input.loaded.spec,
      specFile: input.loaded.file,
      rendered,
      format: input.format ?? 'yaml',
      secretData: input.includeSecrets ? 'include' : 'omit',
      store: new ConfigStore(this.store.backend),
    });
    const files = input.outDir ? await writeRendered(input.outDir, manifests) : [];
    return {
      text: manifests.text,
      files,
      hash: rendered.hash,
      configText: configText(snapshotOfRender(rendered)),
    };
  }

  configHistory(application: string, environment: string): Promise<ConfigVersionSummary[]> {
    return configHistory(new ConfigStore(this.store.backend), application, environment);
  }

  configDiff(
    application: string,
    environment: string,
    from?: number,
    to?: number,
  ): Promise<ConfigDiffResult> {
    return configDiff(new ConfigStore(this.store.backend), application, environment, from, to);
  }

  /**
   * `eds config rollback --to V`: a normal deployment (with the environment's strategy) of the current versions
   * whose configuration is the stored version V (secrets resolved again from its references); the record's
   * request names V, and the saved configuration says which version it rolled back to.
   */
  async configRollback(loaded: LoadedSpec, environment: string, version: number): Promise<DeploymentRecord> {
    // Fails here, before any deployment, when the version does not exist.
    await loadConfigVersion(new ConfigStore(this.store.backend), loaded.spec.name, environment, version);
    const latest = await this.store.latest(loaded.spec.name, environment);
    const versions = Object.fromEntries(
      (latest?.deployment.components ?? []).map((c) => [c.name, c.version]),
    );
    return this.controller.deploy({ loaded, environment, versions, set: {}, configVersion: version });
  }
}
