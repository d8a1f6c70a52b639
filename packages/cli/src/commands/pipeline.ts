import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { PipelineState } from '@eds/core';
import { ExitCode, ValidationError } from '@eds/core/errors';
import { FileBackend } from '@eds/core/records';
import { core } from '../core.js';
import type { Handler } from '../main.js';
import { collect, parsePairs } from './deploy.js';

export function registerPipeline(
  program: Command,
  wrap: (h: Handler) => (...args: unknown[]) => Promise<void>,
): void {
  const pipeline = program.command('pipeline').description('standalone pipelines on the deployment engine');
  pipeline
    .command('run')
    .description('run a pipeline definition (YAML): DAG of steps with needs, if, retries, timeouts')
    .argument('<file>', 'pipeline definition')
    .option('--input <key=value>', 'pipeline input (repeatable)', collect, [])
    .option('--concurrency <n>', 'steps at once')
    .action(
      wrap(async (ctx, file, opts) => {
        const o = opts as { input: string[]; concurrency?: string };
        let text: string;
        try {
          text = readFileSync(file as string, 'utf8');
        } catch (cause) {
          throw new ValidationError('cannot read the pipeline file', { file: file as string, cause });
        }
        const { createPipelineState, parsePipelineFile, runPipeline } = core();
        const compiled = parsePipelineFile(text, file as string);
        const id = `${compiled.definition.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}-${Date.now()}-${randomBytes(2).toString('hex')}`;
        // Each persisted state is a numbered revision under the state dir, like deployment records.
        const backend = new FileBackend(path.join(ctx.stateDir, 'store'));
        const key = `pipelines/${id}`;
        let revision = 0;
        const persist = async (state: PipelineState) => {
          revision += 1;
          await backend.create(key, revision, `${JSON.stringify(state)}\n`);
        };
        const concurrency = o.concurrency === undefined ? undefined : Number(o.concurrency);
        if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
          throw new ValidationError(`--concurrency ${o.concurrency}: expected a whole number ≥ 1`, {
            path: '--concurrency',
          });
        }
        const controller = new AbortController();
        const onSignal = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const outcome = await runPipeline({
          pipeline: compiled,
          state: createPipelineState(compiled, { id }),
          persist,
          inputs: parsePairs(o.input, '--input'),
          signal: controller.signal,
          ...(concurrency !== undefined ? { concurrency } : {}),
          onTransition: (e) => {
            const mark =
              e.status === 'IN_PROGRESS'
                ? '▶'
                : e.status === 'COMPLETED'
                  ? '✔'
                  : e.status === 'FAILED'
                    ? '✘'
                    : '·';
            ctx.output.log(
              `${mark} ${e.stepId}${e.skipped ? ' (skipped)' : ''}${e.error ? `: ${e.error}` : ''}`,
            );
          },
        });
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        const steps = outcome.state.pipeline.stages.flatMap((s) =>
          s.steps.map((st) => ({ id: st.id, status: st.status })),
        );
        const exitCode =
          outcome.status === 'COMPLETED' || outcome.status === 'PAUSED'
            ? ExitCode.Success
            : ExitCode.DeploymentFailed;
        ctx.output.result(
          {
            id,
            status: outcome.status,
            failed: outcome.failed ?? null,
            paused: outcome.paused ?? null,
            steps,
            record: backend.locate(key),
            exitCode,
          },
          () =>
            `pipeline ${compiled.definition.name}: ${outcome.status}${outcome.failed ? ` (${outcome.failed.stepId}: ${outcome.failed.error})` : ''}`,
        );
        return exitCode;
      }),
    );
}
