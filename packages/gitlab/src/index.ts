export { mirrorToGitLab, type MirrorOptions, type MirrorOutcome } from './mirror.js';
export { gitlabContextFrom, type GitLabContext, type ContextResult } from './ci-context.js';
export { gitbeakerClient, type GitLabClient, type GitLabDeployment } from './client.js';
export {
  gitlabStateOf,
  API_DEPLOYMENT_STATUSES,
  type ApiDeploymentStatus,
  type GitLabState,
} from './status.js';
export { fileLinkStore, memoryLinkStore, type DeploymentLink, type LinkStore } from './link-store.js';
export { mergeRequestNote, noteStateOf } from './note.js';
export { registerSecretVariables, secretVariableNames } from './secret-variables.js';
export {
  DEFAULT_RETRY,
  withRetry,
  isTransient,
  httpStatusOf,
  type RetryPolicy,
  type Sleep,
} from './retry.js';
export type { MirroredSummary } from './summary.js';
