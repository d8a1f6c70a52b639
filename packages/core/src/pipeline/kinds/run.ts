import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { DurationSchema } from '../../model/index.js';
import type { StepContext, StepKind, StepResult } from './step-kind.js';
import { parseWith, validateWithSchema } from './with-schema.js';

export const RunWithSchema = z.strictObject({
  command: z.string().min(1),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  /** Between SIGTERM and SIGKILL when the step is cancelled or times out; default 5s. */
  killGrace: DurationSchema.optional(),
});

/** How long to wait for stdout/stderr to drain after the shell exits (a background child may hold them open). */
const DRAIN_MS = 500;
const DEFAULT_KILL_GRACE_MS = 5000;

/** Signal the whole process group: `sh -c` forks, and killing only the shell would orphan its children. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** `KEY=VALUE` lines a command wrote to $EDS_OUTPUT become the step's outputs (like $GITHUB_OUTPUT). */
async function readOutputs(file: string): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return outputs;
}

function pipeLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', log);
}

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function drain(child: ChildProcess): Promise<void> {
  if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return;
  await Promise.race([
    new Promise((resolve) => child.once('close', resolve)),
    new Promise((resolve) => setTimeout(resolve, DRAIN_MS)),
  ]);
  child.stdout?.destroy();
  child.stderr?.destroy();
}

async function runCommand(context: StepContext): Promise<StepResult> {
  const input = parseWith(RunWithSchema, context.with, 'run');
  const outputFile = path.join(tmpdir(), `eds-output-${process.pid}-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(outputFile, '', { mode: 0o600 });
  try {
    const child = spawn('sh', ['-c', input.command], {
      cwd: input.cwd,
      env: { ...process.env, ...input.env, EDS_OUTPUT: outputFile },
      // Its own process group, so cancel and timeout reach every process the command started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pipeLines(child.stdout, (line) => context.log(line));
    pipeLines(child.stderr, (line) => context.log(line));
    const stop = (): void => {
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), input.killGrace ?? DEFAULT_KILL_GRACE_MS).unref();
    };
    if (context.signal.aborted) stop();
    else context.signal.addEventListener('abort', stop, { once: true });
    try {
      const exit = await waitForExit(child);
      await drain(child);
      if (context.signal.aborted) throw new Error('command stopped');
      if (exit.code !== 0) {
        throw new Error(
          exit.signal ? `command killed by ${exit.signal}` : `command exited with code ${String(exit.code)}`,
        );
      }
    } finally {
      context.signal.removeEventListener('abort', stop);
    }
    return { status: 'completed', outputs: { exitCode: 0, ...(await readOutputs(outputFile)) } };
  } finally {
    await fs.unlink(outputFile).catch(() => undefined);
  }
}

/**
 * `run`: a shell command (`sh -c`). Lines of stdout and stderr go into the step log; exit code 0 completes the
 * step; `KEY=VALUE` lines appended to `$EDS_OUTPUT` become outputs. Not idempotent: EDS cannot know what a
 * command does, so one found running after a crash fails the pipeline safe instead of running twice.
 */
export const runStepKind: StepKind = {
  name: 'run',
  idempotent: false,
  validate: validateWithSchema(RunWithSchema),
  run: runCommand,
};
