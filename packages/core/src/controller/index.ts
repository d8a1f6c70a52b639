export { Controller, type ControllerOptions, type DeployRequest } from './controller.js';
export { DeploymentSession } from './session.js';
export { deploymentPipeline } from './plan.js';
export { openTarget, registerTarget, type TargetContext, type TargetFactory } from './target-factory.js';
export type { PrepareHooks } from './steps/index.js';
