import type { ComponentSpec, EnvironmentSpec, StrategySpec, StrategyType } from '../model/index.js';

/** One step of a plan, in the pipeline definition's own terms (kind + `with:`), so the engine can run it. */
export interface PlannedStep {
  id: string;
  name: string;
  kind: string;
  with: Record<string, unknown>;
  needs?: string[];
  timeout?: number;
}

export interface PlannedComponent {
  spec: ComponentSpec;
  /** The version this deployment rolls out. */
  version: string;
  /** The version serving traffic before it, if any. */
  stableVersion: string | null;
}

export interface PlanInput {
  environmentName: string;
  environment: EnvironmentSpec;
  strategy: StrategySpec;
  components: PlannedComponent[];
}

/**
 * A strategy is a pure planner: from the spec and what runs now, the ordered steps of the rollout. No I/O,
 * so plans are unit-tested and a resumed deployment re-plans to exactly the same steps.
 */
export interface Strategy {
  readonly type: StrategyType;
  plan(input: PlanInput): PlannedStep[];
}

/** Instances to add or remove per batch, from a count or a percentage of the replicas (rounded up, ≥ 1). */
export function resolveCount(value: number | string, replicas: number, minimum: number): number {
  const n = typeof value === 'number' ? value : Math.ceil((Number(value.replace('%', '')) / 100) * replicas);
  return Math.max(minimum, n);
}
