/**
 * Runs an action's committed `dist/index.js` the way the GitHub runner does: reads `action.yml`, applies
 * input defaults (evaluating `${{ github.* }}`), passes inputs as `INPUT_<NAME>` (upper-cased, spaces to
 * `_`, hyphens kept), provides the `GITHUB_OUTPUT` / `GITHUB_ENV` / `GITHUB_STATE` / `GITHUB_PATH` /
 * `GITHUB_STEP_SUMMARY` files, an event payload and the `GITHUB_*` context, starts `node` on `runs.main`
 * with the workspace as working directory, and parses outputs and workflow commands afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';

export const ACTIONS_DIR = path.resolve('actions');

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionManifest {
  name: string;
  description: string;
  author?: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

export function readManifest(action: string): ActionManifest {
  return YAML.parse(readFileSync(path.join(ACTIONS_DIR, action, 'action.yml'), 'utf8')) as ActionManifest;
}

/** The runner's environment variable for an input. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface GithubContext {
  token: string;
  repository: string;
  sha: string;
  ref: string;
  actor: string;
  runId: string;
  serverUrl: string;
  apiUrl: string;
  eventName: string;
  workflow: string;
  job: string;
}

export const DEFAULT_CONTEXT: GithubContext = {
  token: 'ghs_emulatedtoken0123456789',
  repository: 'acme/shop',
  sha: 'c0ffee0000000000000000000000000000000001',
  ref: 'refs/heads/main',
  actor: 'octocat',
  runId: '4242',
  serverUrl: 'https://github.com',
  apiUrl: 'http://127.0.0.1:9',
  eventName: 'push',
  workflow: 'deploy',
  job: 'deploy',
};

/** `${{ github.token }}` and friends in defaults, as the runner evaluates them. */
function evaluate(value: string, context: GithubContext): string {
  const github: Record<string, string> = {
    token: context.token,
    repository: context.repository,
    sha: context.sha,
    ref: context.ref,
    actor: context.actor,
    run_id: context.runId,
    server_url: context.serverUrl,
    api_url: context.apiUrl,
    event_name: context.eventName,
    workflow: context.workflow,
    job: context.job,
  };
  return value.replace(/\$\{\{\s*github\.([a-z_]+)\s*\}\}/g, (_, key: string) => github[key] ?? '');
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface StepResult {
  /** Process exit code: the step fails when it is not 0. */
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Values registered with `::add-mask::`, in order. */
  masks: string[];
  annotations: Annotation[];
  /** `::group::` titles, in order. */
  groups: string[];
  /** Inputs the test passed that action.yml does not declare (the runner warns "Unexpected input(s)"). */
  unexpectedInputs: string[];
  /** The `INPUT_*` variables the action read, when run with `traceInputs`. */
  inputsRead: string[];
  /** Every file the step could write to, for secret scans. */
  files: Record<string, string>;
}

export interface RunOptions {
  /** The workspace (working directory); a fresh temporary one by default. */
  workspace?: string;
  context?: Partial<GithubContext>;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Record which INPUT_* variables the action reads (through a preload that watches process.env). */
  traceInputs?: boolean;
}

/** `name=value` and `name<<DELIMITER` … `DELIMITER` records, as the runner reads the file. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    const eq = line.indexOf('=');
    if (heredoc && (eq < 0 || line.indexOf('<<') < eq)) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delimiter} in command file`);
      out[name ?? ''] = value.join('\n');
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`malformed command file line: ${line}`);
    }
  }
  return out;
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

function parseCommands(stdout: string): Pick<StepResult, 'masks' | 'annotations' | 'groups'> {
  const masks: string[] = [];
  const annotations: Annotation[] = [];
  const groups: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const [, command, props, data] = m;
    if (command === 'add-mask') masks.push(unescapeData(data ?? ''));
    else if (command === 'group') groups.push(unescapeData(data ?? ''));
    else if (command === 'error' || command === 'warning' || command === 'notice') {
      const properties: Record<string, string> = {};
      for (const pair of (props ?? '').split(',').filter(Boolean)) {
        const at = pair.indexOf('=');
        properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
      }
      annotations.push({ level: command, message: unescapeData(data ?? ''), properties });
    }
  }
  return { masks, annotations, groups };
}

const TRACE_PRELOAD = path.resolve('test/github/trace-inputs.mjs');

/** `inputs` are the step's `with:`; an undefined value is an entry left out (its default applies). */
export async function runStep(
  action: string,
  inputs: Record<string, string | undefined>,
  options: RunOptions = {},
): Promise<StepResult> {
  const manifest = readManifest(action);
  const context = { ...DEFAULT_CONTEXT, ...options.context };
  const runnerDir = mkdtempSync(path.join(os.tmpdir(), 'eds-runner-'));
  const workspace = options.workspace ?? path.join(runnerDir, 'workspace');
  const temp = path.join(runnerDir, 'temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(temp, { recursive: true });
  const commandFiles = {
    GITHUB_OUTPUT: path.join(runnerDir, 'output'),
    GITHUB_ENV: path.join(runnerDir, 'env'),
    GITHUB_STATE: path.join(runnerDir, 'state'),
    GITHUB_PATH: path.join(runnerDir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(runnerDir, 'step_summary'),
  };
  for (const file of Object.values(commandFiles)) writeFileSync(file, '');
  const eventPath = path.join(runnerDir, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({
      ref: context.ref,
      after: context.sha,
      repository: { full_name: context.repository },
      sender: { login: context.actor },
    }),
  );

  const declared = manifest.inputs ?? {};
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: context.repository,
    GITHUB_REPOSITORY_OWNER: context.repository.split('/')[0],
    GITHUB_SHA: context.sha,
    GITHUB_REF: context.ref,
    GITHUB_ACTOR: context.actor,
    GITHUB_RUN_ID: context.runId,
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: context.serverUrl,
    GITHUB_API_URL: context.apiUrl,
    GITHUB_GRAPHQL_URL: `${context.apiUrl}/graphql`,
    GITHUB_EVENT_NAME: context.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKFLOW: context.workflow,
    GITHUB_JOB: context.job,
    GITHUB_ACTION: `__${action}`,
    GITHUB_ACTION_PATH: path.join(ACTIONS_DIR, action),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'eds-test-runner',
    RUNNER_TEMP: temp,
    ...commandFiles,
    ...options.env,
  };
  for (const [name, input] of Object.entries(declared)) {
    const value =
      inputs[name] ?? (input.default !== undefined ? evaluate(String(input.default), context) : undefined);
    if (value !== undefined) env[inputVariable(name)] = value;
  }
  const unexpectedInputs = Object.keys(inputs).filter(
    (name) => inputs[name] !== undefined && !(name in declared),
  );
  for (const name of unexpectedInputs) env[inputVariable(name)] = inputs[name];
  const traceFile = path.join(runnerDir, 'inputs-read');
  const args = [path.join(ACTIONS_DIR, action, manifest.runs.main)];
  if (options.traceInputs) {
    env.EDS_TRACE_INPUTS_FILE = traceFile;
    writeFileSync(traceFile, '');
    args.unshift('--import', pathToFileURL(TRACE_PRELOAD).href);
  }

  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
      child.on('error', reject);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode ?? -1, stdout: out, stderr: err });
      });
    },
  );
  const files = Object.fromEntries(
    Object.entries(commandFiles).map(([name, file]) => [name, readFileSync(file, 'utf8')]),
  );
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(files.GITHUB_OUTPUT ?? ''),
    summary: files.GITHUB_STEP_SUMMARY ?? '',
    ...parseCommands(stdout),
    unexpectedInputs,
    inputsRead: options.traceInputs
      ? [...new Set(readFileSync(traceFile, 'utf8').split('\n').filter(Boolean))].sort()
      : [],
    files,
  };
}
