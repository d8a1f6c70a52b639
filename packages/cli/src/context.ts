import type { Actor, EdsService } from '@eds/core';
import { ValidationError } from '@eds/core/errors';
import { loadSpecFile, type LoadedSpec } from '@eds/core/model';
import { defaultStateDir, openStore, type RecordStore } from '@eds/core/records';
import { core } from './core.js';
import path from 'node:path';
import { currentActor } from './actor.js';
import { Output } from './output.js';

export interface GlobalOptions {
  file: string;
  state?: string;
  store?: string;
  storeNamespace?: string;
  historyMax?: string;
  mirror?: string;
  storeContext?: string;
  json: boolean;
  debug: boolean;
  color: boolean;
}

/** What every command gets: parsed global options, output, and lazily opened store and spec. */
export class CommandContext {
  readonly output: Output;
  readonly stateDir: string;
  #store: RecordStore | undefined;
  #spec: LoadedSpec | undefined;
  #service: EdsService | undefined;

  constructor(
    readonly options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.output = new Output({ json: options.json, color: options.color });
    this.stateDir = defaultStateDir(options.state, env);
  }

  get store(): RecordStore {
    this.#store ??=
      this.#service?.store ??
      openStore({ stateDir: this.stateDir, store: this.storeName, settings: this.storeSettings });
    return this.#store;
  }

  /** Backend settings (the kubernetes store's namespace and context). */
  get storeSettings(): Record<string, string> {
    const namespace = this.options.storeNamespace ?? this.env.EDS_STORE_NAMESPACE;
    const context = this.options.storeContext ?? this.env.EDS_STORE_CONTEXT;
    return { ...(namespace ? { namespace } : {}), ...(context ? { context } : {}) };
  }

  /** `--history-max N` or EDS_HISTORY_MAX; a value that is not a whole number ≥ 0 is a usage error. */
  get historyMax(): number | undefined {
    const raw = this.options.historyMax ?? this.env.EDS_HISTORY_MAX;
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      throw new ValidationError(`--history-max ${raw}: expected a whole number ≥ 0 (0 keeps everything)`, {
        path: '--history-max',
      });
    }
    return n;
  }

  get storeName(): string {
    return this.options.store ?? this.env.EDS_STORE ?? 'file';
  }

  /** The operations shared with every front end; `vulnReports` feed the deploy pipeline's check step. */
  service(vulnReports?: string[]): EdsService {
    this.#service ??= new (core().EdsService)({
      stateDir: this.stateDir,
      store: this.storeName,
      storeSettings: this.storeSettings,
      ...(this.historyMax !== undefined ? { historyMax: this.historyMax } : {}),
      actor: this.actor(),
      env: this.env,
      log: (line) => this.output.log(line),
      ...(vulnReports?.length ? { vulnReports } : {}),
    });
    return this.#service;
  }

  get spec(): LoadedSpec {
    this.#spec ??= loadSpecFile(path.resolve(this.options.file));
    return this.#spec;
  }

  actor(user?: string): Actor {
    return currentActor(this.env, user);
  }

  /** The application name: from eds.yaml when there is one, else the only application in the store. */
  async application(): Promise<string> {
    try {
      return this.spec.spec.name;
    } catch (error) {
      if (!(error instanceof ValidationError) || error.code !== 'SPEC_NOT_READABLE') throw error;
      const apps = await this.store.applications();
      if (apps.length === 1) return apps[0];
      throw new ValidationError(
        apps.length === 0
          ? 'no eds.yaml here and no deployments in the store'
          : `no eds.yaml here and the store holds several applications (${apps.join(', ')})`,
        { file: this.options.file, expected: 'an eds.yaml (-f FILE) or a deployment id' },
      );
    }
  }
}
