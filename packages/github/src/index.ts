export { Inputs, Outputs, type InputName, type OutputName } from './constants.js';
export {
  readBoolean,
  readChoice,
  readDurationMs,
  readList,
  readPairs,
  readRequired,
  readString,
} from './inputs.js';
export {
  readDeploymentRef,
  readMirrorInputs,
  readWorkspaceInputs,
  type DeploymentRef,
  type WorkspaceInputs,
} from './requests.js';
export { ActionSession, githubActor } from './session.js';
export { runAction, type ActionResult } from './run-action.js';
export {
  publishCheck,
  publishDeployment,
  publishRender,
  setOutput,
  writeRecordFile,
  writeSummary,
} from './publish.js';
export { annotateFindings } from './annotations.js';
export { StepLog } from './step-log.js';
export {
  DeploymentsMirror,
  type EdsPayload,
  type MirrorOptions,
  type Octokit,
} from './mirror/deployments-mirror.js';
export { openMirror, runUrl, type MirrorSettings } from './mirror/open-mirror.js';
export { DEFAULT_RETRY, retryDelayMs, withRetry, type RetryOptions } from './mirror/retry.js';
export {
  clip,
  MAX_DESCRIPTION,
  statusOf,
  type GithubDeploymentState,
  type MirroredStatus,
} from './mirror/status-of.js';
export { watchRecord, type WatchTarget } from './mirror/watch.js';
export { deploymentSummary, securityLine } from './summary/deployment-summary.js';
export { checkSummary, renderSummary } from './summary/check-summary.js';
export { canaryChartSvg, canarySeries, type CanarySeries, type ChartPoint } from './summary/chart.js';
