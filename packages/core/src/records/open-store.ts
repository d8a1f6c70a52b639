import path from 'node:path';
import { ValidationError } from '../errors/index.js';
import type { DocumentBackend } from './backend.js';
import { FileBackend } from './file-backend.js';
import { MemoryBackend } from './memory-backend.js';
import { RecordStore } from './store.js';

export interface StoreOptions {
  /** Backend name; default `file`. */
  store?: string;
  /** Backend-specific settings, e.g. the namespace of the Kubernetes store. */
  settings?: Record<string, string>;
  /** State directory of the file store. */
  stateDir: string;
  clock?: () => Date;
}

/** `--state DIR`, else `EDS_STATE_DIR`, else `./.eds`. */
export function defaultStateDir(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  return path.resolve(cwd, explicit ?? env.EDS_STATE_DIR ?? '.eds');
}

export type BackendFactory = (options: StoreOptions) => DocumentBackend;

/**
 * The one table of record-store backends. The core knows no cloud SDK, so backends that need one (the
 * Kubernetes package) are added by the program that links them in, through `registerStoreBackend`.
 */
const BACKENDS: Record<string, BackendFactory> = {
  file: (options) => new FileBackend(path.join(options.stateDir, 'store')),
  memory: () => new MemoryBackend(),
};

export function registerStoreBackend(name: string, factory: BackendFactory): void {
  BACKENDS[name] = factory;
}

export function openStore(options: StoreOptions): RecordStore {
  const name = options.store ?? 'file';
  const factory = BACKENDS[name];
  if (!factory) {
    throw new ValidationError(`unknown record store "${name}"; known: ${Object.keys(BACKENDS).join(', ')}`, {
      code: 'UNKNOWN_STORE',
      path: '--store',
      expected: Object.keys(BACKENDS).join(' | '),
    });
  }
  return new RecordStore(factory(options), options.clock);
}
