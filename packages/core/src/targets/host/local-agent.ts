import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../../errors/index.js';
import type { ComponentStatus } from './agent.js';
import { HostTarget, type HostTargetOptions } from './host-target.js';
import { isAlive, sleep } from './process-group.js';
import { AGENT_LOG_FILE, readAgentInfo, type AgentInfo } from './state-files.js';

export interface EnsureLocalAgentOptions {
  stateDir: string;
  /** The compiled agent entry module; defaults to `agent-main.js` beside this module in `dist`. */
  agentEntry?: string;
  /** How long to wait for a new agent to answer. */
  timeoutMs?: number;
  routerPorts?: HostTargetOptions['routerPorts'];
  /** Extra arguments for the agent (e.g. `['--router-host', '0.0.0.0']`). */
  args?: string[];
}

/**
 * Where the compiled agent entry is. From `dist` it is our sibling; under ts-jest this module is the `.ts`
 * source in `src`, and the entry is the built file in `dist` (tests build before they run).
 */
export function defaultAgentEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return resolve(dirname(here), '../../../dist/targets/host/agent-main.js');
  return join(dirname(here), 'agent-main.js');
}

function clientFor(info: AgentInfo, options: Pick<EnsureLocalAgentOptions, 'routerPorts'>): HostTarget {
  return new HostTarget({
    url: info.url,
    token: info.token,
    description: `local agent ${info.url}`,
    baseDir: process.cwd(),
    routerPorts: options.routerPorts,
  });
}

/** The agent recorded in `stateDir`, if it answers its ping (with the recorded token) within a second or two. */
async function reachableAgent(stateDir: string): Promise<{ info: AgentInfo; pid: number } | undefined> {
  const info = await readAgentInfo(stateDir);
  if (!info) return undefined;
  try {
    const ping = await new HostTarget({ url: info.url, token: info.token, timeoutMs: 2000 }).ping();
    return { info, pid: ping.pid };
  } catch {
    return undefined;
  }
}

async function logTail(stateDir: string): Promise<string> {
  const text = await readFile(join(stateDir, AGENT_LOG_FILE), 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join('\n');
}

/**
 * A client for the agent of `stateDir`, starting one first if none answers: a detached `node agent-main.js
 * --state DIR` that outlives this process, logging to `DIR/agent.log`. Two callers racing are fine: the
 * second agent finds the directory locked and exits, and both callers end up with the first one.
 */
export async function ensureLocalAgent(options: EnsureLocalAgentOptions): Promise<HostTarget> {
  const stateDir = resolve(options.stateDir);
  const running = await reachableAgent(stateDir);
  if (running) return clientFor(running.info, options);

  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const log = openSync(join(stateDir, AGENT_LOG_FILE), 'a', 0o600);
  let exitCode: number | null | undefined;
  try {
    const child = spawn(
      process.execPath,
      [options.agentEntry ?? defaultAgentEntry(), '--state', stateDir, ...(options.args ?? [])],
      {
        detached: true,
        stdio: ['ignore', log, log],
        cwd: process.cwd(),
      },
    );
    child.once('exit', (code) => (exitCode = code));
    child.once('error', () => (exitCode = -1));
    child.unref();
  } finally {
    closeSync(log);
  }

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let checksAfterExit = 0;
  while (Date.now() < deadline) {
    const agent = await reachableAgent(stateDir);
    if (agent) return clientFor(agent.info, options);
    // An agent that exited may have lost a start race to another one: look a few more times, then give up.
    if (exitCode !== undefined && ++checksAfterExit > 10) break;
    await sleep(100);
  }
  const tail = await logTail(stateDir);
  throw new InternalError(
    `the local EDS agent did not start${exitCode !== undefined ? ` (exit code ${exitCode})` : ''}; see ${join(stateDir, AGENT_LOG_FILE)}${tail ? `:\n${tail}` : ''}`,
    { code: 'AGENT_START_FAILED' },
  );
}

export interface LocalAgentStatus {
  running: boolean;
  stateDir: string;
  url?: string;
  pid?: number;
  startedAt?: string;
  components?: ComponentStatus[];
}

/** What `eds agent status` shows: whether the agent answers, and what it runs (never the token). */
export async function localAgentStatus(stateDir: string): Promise<LocalAgentStatus> {
  const dir = resolve(stateDir);
  const agent = await reachableAgent(dir);
  if (!agent) return { running: false, stateDir: dir };
  const components = await clientFor(agent.info, {}).listComponents();
  return {
    running: true,
    stateDir: dir,
    url: agent.info.url,
    pid: agent.pid,
    startedAt: agent.info.startedAt,
    components,
  };
}

/**
 * `eds agent stop`: SIGTERM the agent (it stops its instances, drained), SIGKILL it if it has not exited
 * within `timeoutMs`. The desired state stays in the directory for the next start.
 */
export async function stopLocalAgent(
  stateDir: string,
  timeoutMs = 30_000,
): Promise<{ stopped: boolean; pid?: number }> {
  const dir = resolve(stateDir);
  const agent = await reachableAgent(dir);
  const pid = agent?.pid;
  if (pid === undefined || !isAlive(pid)) return { stopped: false };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive(pid)) await sleep(50);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(20);
  }
  return { stopped: true, pid };
}
