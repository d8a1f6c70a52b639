import { Inputs } from './constants.js';
import { readBoolean, readString } from './inputs.js';
import type { MirrorSettings } from './mirror/open-mirror.js';

/** Where the spec and the records are: the inputs every action shares. */
export interface WorkspaceInputs {
  /** Path of eds.yaml, relative to the workspace. */
  file: string;
  /** State directory; undefined means `EDS_STATE_DIR`, else `.eds`, like the CLI. */
  state: string | undefined;
  /** Record store backend; undefined means `EDS_STORE`, else `file`. */
  store: string | undefined;
}

export function readWorkspaceInputs(): WorkspaceInputs {
  return {
    file: readString(Inputs.File) ?? 'eds.yaml',
    state: readString(Inputs.State),
    store: readString(Inputs.Store),
  };
}

export function readMirrorInputs(): MirrorSettings {
  return {
    token: readString(Inputs.GithubToken),
    enabled: readBoolean(Inputs.MirrorDeployments, true),
    transient: readBoolean(Inputs.TransientEnvironment, false),
  };
}

/** `deployment-id`, or `environment` meaning the latest deployment there (for promote, abort, approve, status). */
export interface DeploymentRef {
  id: string | undefined;
  environment: string | undefined;
}

export function readDeploymentRef(): DeploymentRef {
  return { id: readString(Inputs.DeploymentId), environment: readString(Inputs.Environment) };
}
