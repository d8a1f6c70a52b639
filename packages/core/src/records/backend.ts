/**
 * The storage primitive every record store is built on: documents under slash-separated keys, each written as
 * numbered revisions. `create` of revision N fails if N exists, which makes compare-and-swap a single atomic
 * operation on every backend (a hard link on disk, a create on Kubernetes, a map check in memory).
 */
export interface StoredDocument {
  revision: number;
  text: string;
  /** Where it lives, for error messages (a file path, a ConfigMap name). */
  location: string;
}

export interface DocumentBackend {
  readonly description: string;
  /** The newest revision of a document, or undefined when it has none. */
  readLatest(key: string): Promise<StoredDocument | undefined>;
  /** Write revision `revision`; resolves false (and writes nothing) when that revision already exists. */
  create(key: string, revision: number, text: string): Promise<boolean>;
  /** Names of the direct children of a key prefix (documents or folders), unsorted. */
  children(prefix: string): Promise<string[]>;
  /** Drop all but the newest `keep` revisions of a document. Best effort. */
  prune(key: string, keep: number): Promise<void>;
  /** Where a key is stored, for messages. */
  locate(key: string): string;
  /** Delete a document and all its revisions (history trimming). No error if it does not exist. */
  remove(key: string): Promise<void>;
  /** History kept per environment when the user sets none (Kubernetes: objects are precious, like Helm's 10). */
  readonly defaultHistoryMax?: number;
}
