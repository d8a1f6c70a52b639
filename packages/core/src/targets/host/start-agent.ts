import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { InternalError, ValidationError } from '../../errors/index.js';
import { registerSecret } from '../../secrets/index.js';
import { Agent } from './agent.js';
import { createControlServer } from './control-api.js';
import { silentLogger, type AgentLogger } from './logger.js';
import { isAlive } from './process-group.js';
import { AGENT_INFO_FILE, LOCK_FILE, writeAgentInfo } from './state-files.js';

export interface StartAgentOptions {
  stateDir: string;
  /** Control API address; loopback by default. */
  host?: string;
  /** Control API port; 0 picks a free one. */
  port?: number;
  /** Bearer token for the control API; generated when absent. */
  token?: string;
  /** Address of the component routers (default: `host`). */
  routerHost?: string;
  logger?: AgentLogger;
  drainTimeoutMs?: number;
  stopGraceMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export interface RunningAgent {
  url: string;
  token: string;
  stateDir: string;
  pid: number;
  /** Stop the API, the routers and the instances (the desired state stays for the next start). */
  close(): Promise<void>;
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * One agent per state directory: `agent.lock` holds the owner's pid. A lock whose pid is dead (the agent was
 * SIGKILLed) is taken over.
 */
async function acquireLock(stateDir: string): Promise<() => Promise<void>> {
  const path = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(String(process.pid));
      await file.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner) && (await looksLikeAgent(owner))) {
        throw new ValidationError(`an EDS agent (pid ${owner}) already runs on state directory ${stateDir}`, {
          code: 'AGENT_RUNNING',
          details: { pid: owner },
        });
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new InternalError(`could not take the agent lock ${path}`);
}

/** A live pid that is not a node process (pid recycled after a crash) does not hold the directory. */
async function looksLikeAgent(pid: number): Promise<boolean> {
  if (pid === process.pid) return true;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => undefined);
  return cmdline === undefined || cmdline.includes('node');
}

/**
 * Start an agent in this process: restore the desired state of `stateDir`, serve the control API, and record
 * url, token and pid in `stateDir/agent.json` (mode 0600) for local clients.
 */
export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  const stateDir = resolve(options.stateDir);
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const token = options.token ?? generateToken();
  registerSecret(token);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const releaseLock = await acquireLock(stateDir);
  let agent: Agent;
  try {
    agent = await Agent.open({
      stateDir,
      routerHost: options.routerHost ?? host,
      instanceHost: '127.0.0.1',
      logger,
      drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
      stopGraceMs: options.stopGraceMs ?? 10_000,
      backoffInitialMs: options.backoffInitialMs,
      backoffMaxMs: options.backoffMaxMs,
    });
  } catch (error) {
    await releaseLock();
    throw error;
  }
  const startedAt = new Date().toISOString();
  const server = createControlServer({
    agent,
    token,
    logger,
    info: () => ({ pid: process.pid, startedAt, stateDir }),
  });
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolveListen());
    });
  } catch (error) {
    await agent.close();
    await releaseLock();
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE'
      ? new ValidationError(`agent port ${options.port} on ${host} is already in use`, {
          code: 'PORT_IN_USE',
        })
      : error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  await writeAgentInfo(stateDir, { url, token, pid: process.pid, startedAt });
  logger.info('agent listening', { url, stateDir, pid: process.pid });

  let closing: Promise<void> | undefined;
  return {
    url,
    token,
    stateDir,
    pid: process.pid,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await agent.close();
        await unlink(join(stateDir, AGENT_INFO_FILE)).catch(() => undefined);
        await releaseLock();
        logger.info('agent stopped', { stateDir });
      })()),
  };
}
