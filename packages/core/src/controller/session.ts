import path from 'node:path';
import type { Target } from '../targets/index.js';
import { appendEvent, type Actor, type DeploymentRecord, type RecordStore } from '../records/index.js';
import type { AppSpec, ComponentSpec } from '../model/index.js';
import type { EventBus } from '../observability/index.js';

export interface SessionDeps {
  store: RecordStore;
  target: Target;
  actor: Actor;
  clock: () => Date;
  bus: EventBus;
  log: (line: string) => void;
  /** Environment for instances (configuration, `--set` values); may hold secrets: never recorded. */
  instanceEnv: Record<string, string>;
}

/**
 * One process's handle on one deployment: the record as last written, a write queue so this process never
 * conflicts with itself, and the target. Every write re-reads the newest revision and applies the change to
 * it, so commands other processes append (promote, abort) are never overwritten.
 */
export class DeploymentSession {
  #record: DeploymentRecord;
  #queue: Promise<unknown> = Promise.resolve();
  readonly abort = new AbortController();

  constructor(
    record: DeploymentRecord,
    readonly deps: SessionDeps,
  ) {
    this.#record = record;
  }

  get record(): DeploymentRecord {
    return this.#record;
  }

  get id(): string {
    return this.#record.deployment.id;
  }

  get application(): AppSpec {
    return this.#record.spec.application as unknown as AppSpec;
  }

  get baseDir(): string {
    return path.dirname(this.#record.spec.file);
  }

  component(name: string): ComponentSpec {
    const component = this.application.components.find((c) => c.name === name);
    if (!component) throw new Error(`component ${name} is not in the deployment's spec`);
    return component;
  }

  versionOf(component: string): string {
    return this.#record.deployment.components.find((c) => c.name === component)?.version ?? '';
  }

  /** Whether a command (e.g. `Promoted` with `full`) was recorded for this deployment. */
  hasEvent(type: string, predicate: (data: Record<string, unknown>) => boolean = () => true): boolean {
    return this.#record.events.some((e) => e.type === type && predicate(e.data ?? {}));
  }

  get fullPromotion(): boolean {
    return this.hasEvent('Promoted', (d) => d.full === true);
  }

  /** Apply `change` to the newest revision and write it; serialised within this process. */
  mutate(change: (record: DeploymentRecord) => void): Promise<DeploymentRecord> {
    const run = this.#queue.then(async () => {
      const written = await this.deps.store.update(this.id, (latest) => {
        change(latest);
        return latest;
      });
      const seen = this.#record.events.length;
      this.#record = written;
      for (const event of written.events.slice(seen))
        this.deps.bus.emit(event.type, { deployment: this.id, event });
      if (written.events.slice(seen).some((e) => e.type === 'AbortRequested')) {
        this.abort.abort(new Error('abort requested'));
      }
      return written;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  event(type: string, message: string, data?: Record<string, unknown>): Promise<DeploymentRecord> {
    this.deps.log(message);
    return this.mutate((record) =>
      appendEvent(record, {
        at: this.deps.clock(),
        type,
        message,
        by: this.deps.actor,
        ...(data ? { data } : {}),
      }),
    );
  }
}
