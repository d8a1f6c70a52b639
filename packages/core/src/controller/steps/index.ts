import { GENERIC_STEP_KINDS, type StepKindTable } from '../../pipeline/index.js';
import type { DeploymentSession } from '../session.js';
import { analysisKind } from './analysis.js';
import { previewCheckKind, validateKind, verifyKind } from './checks.js';
import { deployVersionKind, removeVersionKind, scaleVersionKind } from './deploy-version.js';
import { approvalKind, pauseKind } from './pause.js';
import { checkKind, renderKind, type PrepareHooks } from './prepare.js';
import { setTrafficKind } from './set-traffic.js';

export type { PrepareHooks } from './prepare.js';
export { recordMeasurement, recordVerdict } from './analysis.js';
export { sleep } from './with.js';
export { ensureVersion, waitUntilHealthy } from './deploy-version.js';

/** The one table of step kinds a deployment pipeline runs: the generic ones plus the controller's own. */
export function deploymentStepKinds(session: DeploymentSession, hooks: PrepareHooks): StepKindTable {
  return {
    ...GENERIC_STEP_KINDS,
    validate: validateKind(session),
    render: renderKind(session, hooks),
    check: checkKind(session, hooks),
    approval: approvalKind(session),
    'deploy-version': deployVersionKind(session),
    'scale-version': scaleVersionKind(session),
    'remove-version': removeVersionKind(session),
    'set-traffic': setTrafficKind(session),
    'preview-check': previewCheckKind(session),
    pause: pauseKind(session),
    analysis: analysisKind(session),
    verify: verifyKind(session),
  };
}
