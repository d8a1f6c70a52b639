export { EdsService, type EdsServiceOptions, type DeployInput, type RenderInput } from './eds-service.js';
export { checkEnvironment, writeCheckReports, type CheckInput, type ReportPaths } from './check.js';
export { deploymentHooks, type DeploymentHooksOptions } from './hooks.js';
