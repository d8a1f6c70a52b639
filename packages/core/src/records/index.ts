export * from './record.js';
export { newDeploymentId, parseDeploymentId, isDeploymentId, type ParsedId } from './ids.js';
export type { DocumentBackend, StoredDocument } from './backend.js';
export { MemoryBackend } from './memory-backend.js';
export { FileBackend } from './file-backend.js';
export { LockSchema, isLockActive, describeLock, type EnvironmentLock } from './lock.js';
export {
  RecordStore,
  type NewRecord,
  type ListOptions,
  type ListResult,
  type AcquireLockOptions,
} from './store.js';
export {
  openStore,
  defaultStateDir,
  registerStoreBackend,
  type StoreOptions,
  type BackendFactory,
} from './open-store.js';
export { summarize, exitCodeOf, type DeploymentSummary } from './summary.js';
export { createRecord, appendEvent, type CreateRecordInput } from './new-record.js';
