import { nearest, type PathSegment, type SpecProblem } from '../../model/index.js';
import type { PipelineDefinition } from './schema.js';

/** Where each step is defined; built once and shared by the checks. */
export interface StepLocation {
  stageIndex: number;
  stepIndex: number;
  path: PathSegment[];
}

export function locateSteps(definition: PipelineDefinition): {
  locations: Map<string, StepLocation>;
  problems: SpecProblem[];
} {
  const locations = new Map<string, StepLocation>();
  const problems: SpecProblem[] = [];
  const stageIds = new Map<string, number>();
  definition.stages.forEach((stage, stageIndex) => {
    const seenStage = stageIds.get(stage.id);
    if (seenStage !== undefined) {
      problems.push({
        path: ['stages', stageIndex, 'id'],
        message: `duplicate stage id "${stage.id}" (also stages[${seenStage}])`,
        expected: 'a stage id used once',
      });
    } else stageIds.set(stage.id, stageIndex);
    stage.steps.forEach((step, stepIndex) => {
      const path: PathSegment[] = ['stages', stageIndex, 'steps', stepIndex];
      const seen = locations.get(step.id);
      if (seen) {
        problems.push({
          path: [...path, 'id'],
          message: `duplicate step id "${step.id}" (also stages[${seen.stageIndex}].steps[${seen.stepIndex}])`,
          expected: 'a step id used once in the whole pipeline',
        });
      } else locations.set(step.id, { stageIndex, stepIndex, path });
    });
  });
  return { locations, problems };
}

/** Every need must name a step of the same or an earlier stage (a later one could never have finished). */
export function checkNeeds(
  definition: PipelineDefinition,
  locations: Map<string, StepLocation>,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const ids = [...locations.keys()];
  definition.stages.forEach((stage, stageIndex) => {
    stage.steps.forEach((step, stepIndex) => {
      (step.needs ?? []).forEach((need, needIndex) => {
        const path: PathSegment[] = ['stages', stageIndex, 'steps', stepIndex, 'needs', needIndex];
        const target = locations.get(need);
        if (!target) {
          const suggestion = nearest(need, ids);
          problems.push({
            path,
            message: `step "${step.id}" needs unknown step "${need}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
            expected: suggestion ?? 'the id of a step in this or an earlier stage',
          });
        } else if (target.stageIndex > stageIndex) {
          problems.push({
            path,
            message: `step "${step.id}" needs "${need}" of the later stage "${definition.stages[target.stageIndex]?.id ?? '?'}"; stages run in order`,
            expected: 'the id of a step in this or an earlier stage',
          });
        }
      });
    });
  });
  return problems;
}

/**
 * Find one cycle in the needs graph and name it (`a -> b -> c -> a`). Iterative depth-first search, so a
 * 10,000-step chain does not overflow the stack. Unknown needs are ignored here (reported elsewhere).
 */
export function findCycle(needsOf: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of needsOf.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'visiting');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const needs = needsOf.get(frame.id) ?? [];
      if (frame.next >= needs.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const need = needs[frame.next];
      frame.next += 1;
      if (!needsOf.has(need)) continue;
      const seen = state.get(need);
      if (seen === 'visiting') {
        const start = stack.findIndex((f) => f.id === need);
        return [...stack.slice(start).map((f) => f.id), need];
      }
      if (seen === undefined) {
        state.set(need, 'visiting');
        stack.push({ id: need, next: 0 });
      }
    }
  }
  return undefined;
}

/** Steps a step transitively needs (to check that a condition only reads steps that have finished). */
export function transitiveNeeds(id: string, needsOf: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const pending = [...(needsOf.get(id) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...(needsOf.get(next) ?? []));
  }
  return seen;
}
