import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HealthCheckSpec, InstanceState, InstanceStatus, RunSpec } from '../target.js';
import { probeFor, type Probe } from './health-probe.js';
import type { AgentLogger } from './logger.js';
import { signalGroup } from './process-group.js';
import { Upstream } from './upstream.js';

export interface InstanceSpec {
  run: RunSpec;
  health: HealthCheckSpec;
  env: Record<string, string>;
}

export interface InstanceOptions {
  id: string;
  component: string;
  version: string;
  /** The port the agent picked for it; it keeps it across restarts. */
  port: number;
  /** Where instances listen (the agent talks to them there). */
  host: string;
  spec: InstanceSpec;
  logFile: string;
  /** Marks the process as ours, so a restarted agent can tell its orphans from a recycled pid. */
  stateDir: string;
  logger: AgentLogger;
  /** Called on every change of state or pid. */
  onChange: (instance: Instance) => void;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/** An instance that ran this long (or got healthy) is no longer crash-looping: its backoff starts over. */
const STABLE_AFTER_MS = 10_000;
/** Variables of the agent that must not leak into instances. */
const PRIVATE_ENV = ['EDS_AGENT_TOKEN'];

/**
 * One supervised process of a version: spawned with `sh -c` in its own process group, restarted with
 * exponential backoff when it exits on its own (each restart counted), probed for health on its own timer.
 *
 * States: `starting` (spawned, not yet healthy), `healthy` (healthyThreshold probes in a row passed),
 * `unhealthy` (unhealthyThreshold probes in a row failed: out of the routing table, but not restarted),
 * `crashed` (exited; a restart is scheduled), `stopped` (stopped on purpose).
 */
export class Instance {
  readonly id: string;
  readonly component: string;
  readonly version: string;
  readonly port: number;
  readonly upstream: Upstream;
  state: InstanceState = 'starting';
  restarts = 0;
  lastError: string | undefined;
  lastExit: string | undefined;
  pid: number | undefined;

  readonly #options: InstanceOptions;
  readonly #probe: Probe;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #crashStreak = 0;
  #spawnedAt = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #okStreak = 0;
  #failStreak = 0;
  #generation = 0;

  constructor(options: InstanceOptions) {
    this.#options = options;
    this.id = options.id;
    this.component = options.component;
    this.version = options.version;
    this.port = options.port;
    this.upstream = new Upstream(options.id, options.version, options.host, options.port);
    this.#probe = probeFor(
      options.spec.health,
      options.host,
      options.port,
      options.spec.run.cwd,
      this.#env(),
    );
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  status(): InstanceStatus {
    const status: InstanceStatus = {
      id: this.id,
      version: this.version,
      port: this.port,
      state: this.state,
      restarts: this.restarts,
    };
    if (this.pid !== undefined) status.pid = this.pid;
    if (this.lastError !== undefined) status.lastError = this.lastError;
    if (this.lastExit !== undefined) status.lastExit = this.lastExit;
    return status;
  }

  start(): void {
    if (this.#stopping || this.#child) return;
    this.#spawn();
  }

  /** SIGTERM the process group, SIGKILL it after `graceMs`; resolves once the process has exited. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    this.#stopHealth();
    const child = this.#child;
    if (!child || child.pid === undefined) {
      this.#setState('stopped');
      return;
    }
    const pid = child.pid;
    signalGroup(pid, 'SIGTERM');
    const killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(killTimer);
  }

  #env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.#options.spec.env };
    for (const name of PRIVATE_ENV) delete env[name];
    env.PORT = String(this.port);
    env.VERSION = this.version;
    env.EDS_COMPONENT = this.component;
    env.EDS_INSTANCE_ID = this.id;
    env.EDS_AGENT_STATE_DIR = this.#options.stateDir;
    return env;
  }

  #spawn(): void {
    const { spec, logFile, logger } = this.#options;
    mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
    const log = openSync(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      writeSync(log, `--- ${new Date().toISOString()} starting ${this.id} on port ${this.port}\n`);
      child = spawn('sh', ['-c', spec.run.command], {
        cwd: spec.run.cwd,
        env: this.#env(),
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log); // the child has its own copy of the descriptor
    }
    this.#child = child;
    this.#spawnedAt = Date.now();
    this.#generation++;
    this.#okStreak = 0;
    this.#failStreak = 0;
    this.pid = child.pid;
    let resolveExited: () => void = () => undefined;
    this.#exited = new Promise((resolve) => (resolveExited = resolve));
    let done = false;
    const onGone = (message: string): void => {
      if (done) return;
      done = true;
      this.#onExit(child, message);
      resolveExited();
    };
    child.once('exit', (code, signal) =>
      onGone(code !== null ? `exited with code ${code}` : `killed by signal ${signal}`),
    );
    child.once('error', (error) => onGone(`failed to start: ${error.message}`));
    logger.info('instance started', { id: this.id, pid: child.pid, port: this.port });
    this.#setState('starting');
    this.#scheduleProbe(Math.min(this.#options.spec.health.intervalMs, 100));
  }

  #onExit(child: ChildProcess, message: string): void {
    this.#stopHealth();
    // Whatever the shell left behind in its group goes with it, so the port is free for the restart.
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    this.#child = undefined;
    this.pid = undefined;
    this.upstream.closeConnections();
    if (this.#stopping) {
      this.#setState('stopped');
      return;
    }
    this.lastError = message;
    this.lastExit = message;
    const ranFor = Date.now() - this.#spawnedAt;
    this.#crashStreak = ranFor >= STABLE_AFTER_MS ? 1 : this.#crashStreak + 1;
    const initial = this.#options.backoffInitialMs ?? 250;
    const max = this.#options.backoffMaxMs ?? 30_000;
    const delay = Math.min(max, initial * 2 ** (this.#crashStreak - 1));
    this.#options.logger.warn('instance crashed', { id: this.id, error: message, restartInMs: delay });
    this.#setState('crashed');
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.restarts++;
      this.#spawn();
    }, delay);
  }

  #scheduleProbe(delayMs: number): void {
    const generation = this.#generation;
    this.#healthTimer = setTimeout(() => {
      void this.#probe().then((result) => {
        // A result from before a restart or a stop says nothing about the current process.
        if (generation !== this.#generation || this.#stopping || !this.#child) return;
        this.#onProbe(result.ok ? undefined : result.error);
        this.#scheduleProbe(this.#options.spec.health.intervalMs);
      });
    }, delayMs);
  }

  #onProbe(error: string | undefined): void {
    const { healthyThreshold, unhealthyThreshold } = this.#options.spec.health;
    if (error === undefined) {
      this.#okStreak++;
      this.#failStreak = 0;
      if (this.state !== 'healthy' && this.#okStreak >= healthyThreshold) {
        this.#crashStreak = 0;
        this.#setState('healthy');
      }
    } else {
      this.#failStreak++;
      this.#okStreak = 0;
      // A failure below the threshold is not news (a process still starting refuses connections); reporting
      // it would also hide the more useful message of why the instance last exited.
      if (this.#failStreak < unhealthyThreshold) return;
      const changed = this.lastError !== error;
      this.lastError = error;
      if (this.state !== 'unhealthy') {
        this.#options.logger.warn('instance unhealthy', { id: this.id, error });
        this.#setState('unhealthy');
      } else if (changed) {
        this.#options.onChange(this);
      }
    }
  }

  #stopHealth(): void {
    clearTimeout(this.#healthTimer);
    this.#healthTimer = undefined;
    this.#generation++;
  }

  #setState(state: InstanceState): void {
    this.state = state;
    this.#options.onChange(this);
  }
}
