import {
  createPipelineState,
  definePipeline,
  runPipeline,
  type CompiledPipeline,
  type PipelineDefinitionInput,
  type PipelineOutcome,
  type PipelineState,
  type RunPipelineOptions,
  type StepContext,
  type StepKind,
  type StepKindTable,
  type StepResult,
} from '../../src/pipeline/index.js';

export function kind(
  name: string,
  run: (ctx: StepContext) => Promise<StepResult> | StepResult,
  idempotent = true,
): StepKind {
  return { name, idempotent, run: async (ctx) => run(ctx) };
}

export const noop = kind('noop', () => ({ status: 'completed' }));

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A persist callback that keeps every snapshot it was given. */
export function recordingPersist(): {
  persist: (state: PipelineState) => Promise<void>;
  writes: PipelineState[];
  last(): PipelineState;
} {
  const writes: PipelineState[] = [];
  return {
    writes,
    persist: async (state) => {
      writes.push(structuredClone(state));
    },
    last: () => {
      const state = writes[writes.length - 1];
      if (!state) throw new Error('nothing persisted');
      return state;
    },
  };
}

export function statusOf(state: PipelineState, id: string): string | undefined {
  for (const stage of state.pipeline.stages)
    for (const step of stage.steps) if (step.id === id) return step.status;
  return undefined;
}

export function logsOf(state: PipelineState, id: string): string[] {
  for (const stage of state.pipeline.stages)
    for (const step of stage.steps) if (step.id === id) return step.logs;
  return [];
}

/** One stage of steps: `{ id, needs?, ... }` with kind defaulting to `noop`. */
export function oneStage(
  steps: Record<string, unknown>[],
  extra: Partial<PipelineDefinitionInput> = {},
): PipelineDefinitionInput {
  return {
    name: 'test',
    ...extra,
    stages: [
      {
        id: 'main',
        steps: steps.map((step) => ({
          kind: 'noop',
          ...step,
        })) as PipelineDefinitionInput['stages'][number]['steps'],
      },
    ],
  };
}

export interface Started {
  pipeline: CompiledPipeline;
  outcome: PipelineOutcome;
  writes: PipelineState[];
}

/** Define, create a fresh state, run with a recording persist. */
export async function runDefinition(
  input: PipelineDefinitionInput,
  kinds: StepKindTable,
  options: Partial<RunPipelineOptions> = {},
): Promise<Started> {
  const pipeline = definePipeline(input, kinds);
  const recorder = recordingPersist();
  const outcome = await runPipeline({
    pipeline,
    state: createPipelineState(pipeline, { id: 'p1' }),
    persist: recorder.persist,
    sleep: async () => undefined,
    ...options,
  });
  return { pipeline, outcome, writes: recorder.writes };
}
