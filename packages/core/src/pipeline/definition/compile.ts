import { ValidationError } from '../../errors/index.js';
import {
  parseYamlDocument,
  problemsToError,
  toProblems,
  type PathSegment,
  type PositionLookup,
  type SpecProblem,
} from '../../model/index.js';
import { parseExpression, usesStatusFunction, walkExpression, type Expression } from '../expression/index.js';
import { GENERIC_STEP_KINDS } from '../kinds/generic.js';
import { knownKinds, type StepKind, type StepKindTable } from '../kinds/step-kind.js';
import type { CompiledPipeline, CompiledStage, CompiledStep } from './compiled.js';
import { checkNeeds, findCycle, locateSteps, transitiveNeeds, type StepLocation } from './graph-checks.js';
import { PipelineDefinitionSchema, type PipelineDefinition, type StepDefinition } from './schema.js';

export interface DefinitionSource {
  /** Named in errors. */
  file?: string;
  /** Finds the line of a field path in the source text (from `parseYamlDocument`). */
  position?: PositionLookup;
}

function checkKind(
  step: StepDefinition,
  path: PathSegment[],
  kinds: StepKindTable,
  problems: SpecProblem[],
): StepKind | undefined {
  const kind = Object.hasOwn(kinds, step.kind) ? kinds[step.kind] : undefined;
  if (!kind) {
    const known = knownKinds(kinds);
    problems.push({
      path: [...path, 'kind'],
      message: `unknown step kind "${step.kind}"; known kinds: ${known.join(', ')}`,
      expected: `one of ${known.join(', ')}`,
    });
    return undefined;
  }
  problems.push(...(kind.validate?.(step.with, [...path, 'with']) ?? []));
  return kind;
}

function parseCondition(
  step: StepDefinition,
  path: PathSegment[],
  problems: SpecProblem[],
): Expression | undefined {
  if (step.if === undefined) return undefined;
  if (typeof step.if === 'boolean') return { type: 'literal', value: step.if, at: 0 };
  try {
    return parseExpression(step.if);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push({
      path: [...path, 'if'],
      message: error.message,
      expected: error.location.expected ?? 'an expression',
    });
    return undefined;
  }
}

/** A condition may read `steps.X` only when X is sure to have finished: an earlier stage, or a (transitive) need. */
function checkConditionReferences(
  step: StepDefinition,
  condition: Expression,
  path: PathSegment[],
  context: { locations: Map<string, StepLocation>; needsOf: Map<string, string[]>; stageIndex: number },
  problems: SpecProblem[],
): void {
  let upstream: Set<string> | undefined;
  for (const node of walkExpression(condition)) {
    if (node.type !== 'member' || node.object.type !== 'identifier' || node.object.name !== 'steps') continue;
    const id = String(node.property);
    const target = context.locations.get(id);
    if (!target) {
      problems.push({
        path: [...path, 'if'],
        message: `condition reads steps.${id}, but there is no step "${id}"`,
        expected: 'the id of a step',
      });
      continue;
    }
    if (target.stageIndex < context.stageIndex) continue;
    upstream ??= transitiveNeeds(step.id, context.needsOf);
    if (!upstream.has(id)) {
      problems.push({
        path: [...path, 'if'],
        message: `condition reads steps.${id}, which step "${step.id}" does not need; add "${id}" to its needs so it has finished first`,
        expected: `"${id}" in needs`,
      });
    }
  }
}

function compileSteps(
  definition: PipelineDefinition,
  kinds: StepKindTable,
  problems: SpecProblem[],
): CompiledPipeline {
  const { locations, problems: idProblems } = locateSteps(definition);
  problems.push(...idProblems, ...checkNeeds(definition, locations));
  const needsOf = new Map<string, string[]>();
  for (const stage of definition.stages)
    for (const step of stage.steps) if (!needsOf.has(step.id)) needsOf.set(step.id, step.needs ?? []);
  const cycle = findCycle(needsOf);
  if (cycle) {
    const location = locations.get(cycle[0]);
    problems.push({
      path: location ? [...location.path, 'needs'] : ['stages'],
      message: `steps need each other in a cycle: ${cycle.join(' -> ')}`,
      expected: 'needs that form no cycle',
    });
  }
  const steps = new Map<string, CompiledStep>();
  const stages: CompiledStage[] = definition.stages.map((stage, stageIndex) => {
    stage.steps.forEach((step, stepIndex) => {
      const path: PathSegment[] = ['stages', stageIndex, 'steps', stepIndex];
      const kind = checkKind(step, path, kinds, problems);
      const condition = parseCondition(step, path, problems);
      if (condition)
        checkConditionReferences(step, condition, path, { locations, needsOf, stageIndex }, problems);
      if (kind && !steps.has(step.id)) {
        steps.set(step.id, {
          definition: step,
          id: step.id,
          kind,
          stageIndex,
          needs: step.needs ?? [],
          conditionScope: step.needs === undefined ? 'previous-stage' : 'needs',
          condition,
          conditionHasStatusCheck: condition !== undefined && usesStatusFunction(condition),
        });
      }
    });
    return { id: stage.id, name: stage.name ?? stage.id, stepIds: stage.steps.map((s) => s.id) };
  });
  return { definition, stages, steps };
}

/**
 * Check a pipeline definition (as a controller builds it in code, or as read from a file) against the kind
 * table. All problems are collected; the error names the first one (file, line, field path, what was
 * expected) and lists every one in `details.problems`.
 */
export function definePipeline(
  input: unknown,
  kinds: StepKindTable,
  source: DefinitionSource = {},
): CompiledPipeline {
  const parsed = PipelineDefinitionSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw problemsToError(
      toProblems(PipelineDefinitionSchema, parsed.error.issues, input),
      source.file,
      source.position,
    );
  }
  const problems: SpecProblem[] = [];
  const compiled = compileSteps(parsed.data, kinds, problems);
  if (problems.length > 0) throw problemsToError(problems, source.file, source.position);
  return compiled;
}

/** `eds pipeline run FILE`: a standalone pipeline definition in YAML. */
export function parsePipelineFile(
  text: string,
  file: string,
  kinds: StepKindTable = GENERIC_STEP_KINDS,
): CompiledPipeline {
  const { value, position } = parseYamlDocument(text, file);
  if (value === null || value === undefined) {
    throw new ValidationError('the file is empty', {
      code: 'INVALID_SPEC',
      file,
      expected: 'a pipeline definition (name, stages)',
    });
  }
  return definePipeline(value, kinds, { file, position });
}
