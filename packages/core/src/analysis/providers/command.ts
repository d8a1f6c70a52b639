import { spawn } from 'node:child_process';
import { redact } from '../../secrets/index.js';
import { abortReason } from '../clock.js';
import type { Condition } from '../condition.js';
import { escapeForShell, fillPlaceholders } from '../placeholders.js';
import type { AnalysisMetric } from '../template.js';
import { placeholderValues } from './http.js';
import {
  ProviderError,
  type FieldProblem,
  type MeasureRequest,
  type MetricProvider,
  type PreparedMetric,
  type ProviderReading,
} from './provider.js';

const NUMBER_LINE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Keep only the end of long output: the number and the reason for a failure are at the end. */
const MAX_OUTPUT_CHARS = 64 * 1024;

interface CommandOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runShell(command: string, env: NodeJS.ProcessEnv, request: MeasureRequest): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout kills the whole pipeline and not only `sh` (whose children would
    // otherwise keep stdout open and the measurement hanging).
    const child = spawn('sh', ['-c', command], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const append = (current: string, chunk: Buffer): string =>
      (current + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
    child.stdout.on('data', (chunk: Buffer) => (stdout = append(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = append(stderr, chunk)));
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, request.timeoutMs);
    const onAbort = (): void => killGroup();
    request.signal.addEventListener('abort', onAbort, { once: true });
    const cleanUp = (): void => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      cleanUp();
      reject(new ProviderError(`could not start sh: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      cleanUp();
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function tail(text: string, max = 300): string {
  const trimmed = text.trim();
  return redact(trimmed.length > max ? `...${trimmed.slice(-max)}` : trimmed);
}

export const commandProvider: MetricProvider = {
  name: 'command',
  description: 'a shell command: a number on the last line of stdout is the value, else exit code 0 passes',
  fields: ['metric', 'command', 'timeout'],
  conditionRequired: false,

  validate(metric: AnalysisMetric, _condition: Condition | undefined): FieldProblem[] {
    if (metric.command === undefined || metric.command.trim() === '') {
      return [{ path: ['command'], message: 'the command provider needs a command' }];
    }
    return [];
  },

  async measure(metric: PreparedMetric, request: MeasureRequest): Promise<ProviderReading> {
    const values = placeholderValues(request);
    const command = fillPlaceholders(metric.spec.command as string, values, escapeForShell);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EDS_COMPONENT: request.component,
      EDS_VERSION: request.version,
      EDS_CANARY_VERSION: request.canaryVersion,
      EDS_STABLE_VERSION: request.stableVersion ?? '',
      EDS_ANALYSIS_ROLE: request.role,
    };
    const outcome = await runShell(command, env, request);
    if (request.signal.aborted) throw abortReason(request.signal);
    if (outcome.timedOut) throw new ProviderError(`command timed out after ${request.timeoutMs}ms`);
    if (outcome.signal !== null)
      throw new ProviderError(`command was killed by ${outcome.signal}: ${tail(outcome.stderr)}`);
    // 126/127: sh could not run the command at all; that is a broken check, not a verdict on the canary.
    if (outcome.code === 126 || outcome.code === 127) {
      throw new ProviderError(`command could not run (exit ${outcome.code}): ${tail(outcome.stderr)}`);
    }
    const lastLine = outcome.stdout.trim().split('\n').pop()?.trim() ?? '';
    if (metric.condition !== undefined && NUMBER_LINE.test(lastLine)) {
      return { kind: 'value', value: Number(lastLine) };
    }
    const output = tail(outcome.stderr || outcome.stdout);
    const passed = outcome.code === 0;
    return {
      kind: 'verdict',
      passed,
      note: `exit code ${outcome.code ?? '?'}${output ? `: ${output}` : ''}`,
    };
  },
};
