/** What request handlers and controllers share: the store, the settings, and small allocators. */
import type { DefaultingContext } from './defaults.js';
import type { ObjectStore } from './store.js';

/** A request the emulator answers with 403, as RBAC would deny it. */
export interface ForbiddenRule {
  /** get, list, watch, create, update, patch, delete, deletecollection, or `*`. */
  verb: string;
  /** Plural resource (`deployments`, `configmaps`, `leases`), optionally `/status` or `/scale`; `*` for all. */
  resource: string;
  /** Only in this namespace (all namespaces when absent). */
  namespace?: string;
}

export interface EmulatorSettings {
  /** Time from a pod's creation to Running and Ready. */
  readyDelayMs: number;
  /** Time to Ready for images tagged `slow`. */
  slowReadyDelayMs: number;
  /** How often a crash-looping container restarts (restartCount rises). */
  crashLoopIntervalMs: number;
  /** How long a Job's pod runs before it succeeds or fails. */
  jobRunMs: number;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK. */
  bookmarkIntervalMs: number;
  /** Bearer token the kubeconfig carries; other tokens get 401. */
  token: string;
  /** The user name RBAC messages name. */
  user: string;
  forbidden: ForbiddenRule[];
}

export interface HandlerContext {
  store: ObjectStore;
  settings: EmulatorSettings;
  defaulting: DefaultingContext;
}
