import type { KubeClient, WatchHandle } from '../connection/kube-client.js';
import type { ObjectMeta } from './kinds.js';

type Listener = () => void;

/**
 * A list-then-watch mirror of one collection (an informer without the frills): the target and the rollout
 * tracker read it instead of asking the API server again, and wake up on every change the watch delivers.
 */
export class ObjectCache<T extends { metadata: ObjectMeta }> {
  readonly #objects = new Map<string, T>();
  readonly #listeners = new Set<Listener>();
  readonly #errorListeners = new Set<(error: Error) => void>();
  #watch: WatchHandle | undefined;
  #synced: Promise<void> | undefined;
  #error: Error | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly path: string,
    private readonly labelSelector: string,
  ) {}

  /** List once, then keep watching from the list's resourceVersion. Idempotent. */
  start(): Promise<void> {
    this.#synced ??= (async () => {
      const list = await this.client.get<{ metadata?: { resourceVersion?: string }; items?: T[] }>(
        this.path,
        {
          labelSelector: this.labelSelector,
        },
      );
      for (const item of list.items ?? []) this.#objects.set(item.metadata.name, item);
      this.#watch = this.client.watch<T>(
        this.path,
        { labelSelector: this.labelSelector },
        list.metadata?.resourceVersion,
        (event) => {
          if (event.type === 'DELETED') this.#objects.delete(event.object.metadata.name);
          else this.#objects.set(event.object.metadata.name, event.object);
          this.#notify();
        },
        (error) => {
          this.#error = error;
          for (const listener of this.#errorListeners) listener(error);
        },
      );
      this.#notify();
    })();
    return this.#synced;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  get(name: string): T | undefined {
    return this.#objects.get(name);
  }

  list(): T[] {
    return [...this.#objects.values()];
  }

  /** Record an object the caller just wrote, so reads see it before its watch event arrives. */
  observe(object: T): void {
    const known = this.#objects.get(object.metadata.name);
    // Never go back in time: a watch event may already have delivered a newer version.
    if (known && Number(known.metadata.resourceVersion) > Number(object.metadata.resourceVersion)) return;
    this.#objects.set(object.metadata.name, object);
    this.#notify();
  }

  forget(name: string): void {
    this.#objects.delete(name);
    this.#notify();
  }

  get error(): Error | undefined {
    return this.#error;
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onError(listener: (error: Error) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  stop(): void {
    this.#watch?.stop();
    this.#watch = undefined;
  }
}
