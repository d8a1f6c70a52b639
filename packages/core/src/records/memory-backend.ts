import type { DocumentBackend, StoredDocument } from './backend.js';

/** In-process backend for tests and for dry runs. */
export class MemoryBackend implements DocumentBackend {
  readonly description = 'memory';
  readonly #documents = new Map<string, Map<number, string>>();

  async readLatest(key: string): Promise<StoredDocument | undefined> {
    const revisions = this.#documents.get(key);
    if (!revisions || revisions.size === 0) return undefined;
    const revision = Math.max(...revisions.keys());
    return { revision, text: revisions.get(revision) as string, location: this.locate(key) };
  }

  async create(key: string, revision: number, text: string): Promise<boolean> {
    let revisions = this.#documents.get(key);
    if (!revisions) {
      revisions = new Map();
      this.#documents.set(key, revisions);
    }
    // A pruned slot below the newest revision is not free: writing it would be a stale write.
    if (revisions.has(revision) || [...revisions.keys()].some((r) => r > revision)) return false;
    revisions.set(revision, text);
    return true;
  }

  async children(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    const start = prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (const key of this.#documents.keys()) {
      if (key.startsWith(start)) names.add(key.slice(start.length).split('/')[0]);
    }
    return [...names];
  }

  async prune(key: string, keep: number): Promise<void> {
    const revisions = this.#documents.get(key);
    if (!revisions) return;
    const sorted = [...revisions.keys()].sort((a, b) => b - a);
    for (const revision of sorted.slice(keep)) revisions.delete(revision);
  }

  async remove(key: string): Promise<void> {
    this.#documents.delete(key);
  }

  locate(key: string): string {
    return `memory:${key}`;
  }
}
