import { notifyStepKind } from './notify.js';
import { runStepKind } from './run.js';
import type { StepKindTable } from './step-kind.js';

/**
 * The kinds that need nothing but the engine. The controller builds the full table (validate, render, check,
 * deploy-version, set-traffic, pause, analysis, approval, promote, rollback) by spreading this one.
 */
export const GENERIC_STEP_KINDS: StepKindTable = Object.freeze({
  run: runStepKind,
  notify: notifyStepKind,
});
