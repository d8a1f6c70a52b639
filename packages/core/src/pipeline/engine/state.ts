import type { z } from 'zod';
import {
  assertTransition,
  DEPLOYMENT_TRANSITIONS,
  STEP_TRANSITIONS,
  type Pipeline,
  type PipelineStage,
  type PipelineStep,
  type Status,
} from '../../model/index.js';
import type { StepDetailSchema } from '../../records/index.js';
import { ValidationError } from '../../errors/index.js';
import type { CompiledPipeline } from '../definition/compiled.js';

export type StepDetail = z.infer<typeof StepDetailSchema>;

/**
 * What the engine persists: the seed Pipeline record plus per-step detail (kept beside it in a deployment
 * record as `progress.steps`). Everything needed to resume is in here; nothing lives only in memory.
 */
export interface PipelineState {
  pipeline: Pipeline;
  steps: Record<string, StepDetail>;
}

export interface NewStateOptions {
  id: string;
  /** Empty for a standalone `eds pipeline run`. */
  deploymentId?: string;
}

/** A fresh state: every stage and step PENDING, no attempts. */
export function createPipelineState(compiled: CompiledPipeline, options: NewStateOptions): PipelineState {
  const stages: PipelineStage[] = compiled.stages.map((stage) => ({
    id: stage.id,
    name: stage.name,
    status: 'PENDING',
    startedAt: null,
    completedAt: null,
    steps: stage.stepIds.map((id) => ({
      id,
      name: compiled.steps.get(id)?.definition.name ?? id,
      status: 'PENDING',
      startedAt: null,
      completedAt: null,
      logs: [],
    })),
  }));
  const steps: Record<string, StepDetail> = {};
  for (const step of compiled.steps.values()) steps[step.id] = { kind: step.definition.kind, attempts: 0 };
  return {
    pipeline: {
      id: options.id,
      name: compiled.definition.name,
      deploymentId: options.deploymentId ?? '',
      status: 'PENDING',
      stages,
      startedAt: null,
      completedAt: null,
    },
    steps,
  };
}

/** Index of a state's step records by id, checked against the pipeline it is resumed with. */
export function indexSteps(state: PipelineState, compiled: CompiledPipeline): Map<string, PipelineStep> {
  const byId = new Map<string, PipelineStep>();
  for (const stage of state.pipeline.stages) for (const step of stage.steps) byId.set(step.id, step);
  const missing = [...compiled.steps.keys()].filter((id) => !byId.has(id) || !state.steps[id]);
  const extra = [...byId.keys()].filter((id) => !compiled.steps.has(id));
  if (missing.length || extra.length) {
    throw new ValidationError(
      `the persisted pipeline ${state.pipeline.id} does not match its definition` +
        (missing.length ? `; missing steps: ${missing.join(', ')}` : '') +
        (extra.length ? `; unknown steps: ${extra.join(', ')}` : ''),
      { code: 'PIPELINE_STATE_MISMATCH', expected: 'the definition the pipeline was started with' },
    );
  }
  return byId;
}

/** The step record after a status change (a new object: step records are never mutated, see snapshotState). */
export function withStatus(step: PipelineStep, to: Status, now: Date): PipelineStep {
  assertTransition(STEP_TRANSITIONS, step.status, to, `step ${step.id}`);
  const at = now.toISOString();
  if (to === 'IN_PROGRESS') return { ...step, status: to, startedAt: at, completedAt: null };
  if (to === 'PENDING') return { ...step, status: to, completedAt: null };
  return { ...step, status: to, completedAt: at };
}

export function setStageStatus(stage: PipelineStage, to: Status, now: Date): void {
  if (stage.status === to) return;
  assertTransition(STEP_TRANSITIONS, stage.status, to, `stage ${stage.id}`);
  stage.status = to;
  if (to === 'IN_PROGRESS') stage.startedAt ??= now.toISOString();
  else if (to !== 'PENDING') stage.completedAt = now.toISOString();
}

export function setPipelineStatus(pipeline: Pipeline, to: Status, now: Date): void {
  if (pipeline.status === to) return;
  assertTransition(DEPLOYMENT_TRANSITIONS, pipeline.status, to, `pipeline ${pipeline.id}`);
  pipeline.status = to;
  if (to === 'IN_PROGRESS') pipeline.startedAt ??= now.toISOString();
  else pipeline.completedAt = now.toISOString();
}

export function isFinal(status: Status): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

/**
 * A copy to hand to `persist` while the engine goes on changing its own state. The engine replaces step records
 * and details instead of mutating them (copy-on-write), so copying the containers is enough: a 10,000-step
 * snapshot copies references, not 20,000 objects.
 */
export function snapshotState(state: PipelineState): PipelineState {
  return {
    pipeline: {
      ...state.pipeline,
      stages: state.pipeline.stages.map((stage) => ({ ...stage, steps: stage.steps.slice() })),
    },
    steps: { ...state.steps },
  };
}
