/**
 * Every change to the store, in resourceVersion order, with a bounded history so a watch can start
 * "from resourceVersion N" the way it does against etcd's watch cache. Starting before the retained
 * window is answered as the API server does: an ERROR event carrying a 410 Expired Status.
 */
import type { KubeObject } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  resourceVersion: number;
  /** Store key of the resource type (`apps/deployments`). */
  resource: string;
  type: ChangeType;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED change (for selector transitions). */
  previous?: KubeObject;
}

export type ChangeListener = (change: Change) => void;

export class WatchHub {
  private readonly history: Change[] = [];
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly historyLimit: number) {}

  publish(change: Change): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit)
      this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of [...this.listeners]) listener(change);
  }

  /**
   * Changes after `resourceVersion` for `resource`, or `undefined` when that point has fallen out of the
   * retained history (the caller reports 410 Expired).
   */
  since(resource: string, resourceVersion: number): Change[] | undefined {
    const oldest = this.history[0];
    if (oldest && resourceVersion < oldest.resourceVersion - 1) return undefined;
    return this.history.filter((c) => c.resource === resource && c.resourceVersion > resourceVersion);
  }

  oldestRetained(): number | undefined {
    return this.history[0]?.resourceVersion;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
