import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ValidationError, toEdsError } from '../../errors/index.js';
import type { TrafficMatch, TrafficState, TrafficWeights, VersionStatus } from '../target.js';
import { ComponentRouter } from './component-router.js';
import { freePort } from './free-port.js';
import { Instance, type InstanceSpec } from './instance.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { AgentLogger } from './logger.js';
import { isAlive, terminateGroup } from './process-group.js';
import type { DeployBody } from './protocol.js';
import { RoutingTable } from './routing-table.js';
import { summarize, type WindowSnapshot } from './sliding-metrics.js';
import {
  loadDesiredState,
  loadInstancesRecord,
  saveDesiredState,
  saveInstancesRecord,
  type PersistedState,
} from './state-files.js';
import type { Upstream } from './upstream.js';

export interface AgentCoreOptions {
  stateDir: string;
  /** Address the routers listen on (loopback by default; `0.0.0.0` to serve other hosts). */
  routerHost: string;
  /** Address instances listen on and are reached at. */
  instanceHost: string;
  logger: AgentLogger;
  /** Longest wait for in-flight requests of a leaving instance before it is stopped anyway. */
  drainTimeoutMs: number;
  /** SIGTERM-to-SIGKILL grace when stopping an instance. */
  stopGraceMs: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/** One deployed version: its spec, how many instances it should have, and those it has. */
interface VersionEntry {
  spec: InstanceSpec;
  specKey: string;
  desired: number;
  instances: Instance[];
  /** Instances of a previous spec of the same version: serving until the new ones are healthy. */
  retired: Instance[];
  nextIndex: number;
}

interface ComponentEntry {
  name: string;
  routerPort?: number;
  router?: ComponentRouter;
  routerError?: string;
  weights: TrafficWeights;
  matches: TrafficMatch[];
  versions: Map<string, VersionEntry>;
  /** Instances taken out of routing, draining, then stopping. */
  leaving: Set<Instance>;
}

export interface ComponentStatus extends TrafficState {
  routerPort?: number;
  routerError?: string;
  versions: VersionStatus[];
}

export interface MetricsReading extends WindowSnapshot {
  component: string;
  version: string;
}

/** A stable serialization (sorted keys), to tell whether a redeploy changed a version's spec. */
function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Scale weights that no longer sum to 100 (a version was removed) back to 100, keeping their proportions. */
function renormalize(weights: TrafficWeights): TrafficWeights {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) return {};
  if (Math.abs(total - 100) < 1e-6) return weights;
  const out: TrafficWeights = {};
  for (const [version, weight] of entries) out[version] = Math.round((weight / total) * 10_000) / 100;
  return out;
}

/**
 * The agent's core: the desired state of every component, the instances that realize it, and the routers in
 * front of them. It knows nothing of HTTP control requests (see control-api.ts) and is driven only through
 * these methods; every change is persisted before the method returns.
 */
export class Agent {
  readonly #options: AgentCoreOptions;
  readonly #components = new Map<string, ComponentEntry>();
  readonly #mutex = new KeyedMutex();
  readonly #usedPorts = new Set<number>();
  #saving: Promise<void> = Promise.resolve();
  #pidsTimer: NodeJS.Timeout | undefined;
  #routerRetry: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: AgentCoreOptions) {
    this.#options = options;
  }

  /** Stop orphans of a previous run, then bring back the persisted desired state. */
  static async open(options: AgentCoreOptions): Promise<Agent> {
    const agent = new Agent(options);
    await agent.#stopOrphans();
    const state = await loadDesiredState(options.stateDir);
    if (state) await agent.#restore(state);
    agent.#routerRetry = setInterval(() => void agent.#retryRouters(), 2000);
    agent.#routerRetry.unref();
    return agent;
  }

  // ---------------------------------------------------------------- versions

  async deploy(component: string, version: string, body: DeployBody): Promise<VersionStatus> {
    if (body.run.cwd !== undefined) await this.#checkDirectory(body.run.cwd);
    return this.#mutex.run(component, async () => {
      let entry = this.#components.get(component);
      if (!entry) {
        const router = await ComponentRouter.listen(
          component,
          this.#options.routerHost,
          body.routerPort ?? 0,
        );
        entry = {
          name: component,
          router,
          routerPort: router.port,
          weights: {},
          matches: [],
          versions: new Map(),
          leaving: new Set(),
        };
        this.#components.set(component, entry);
        this.#options.logger.info('router listening', { component, endpoint: router.endpoint });
      } else {
        await this.#ensureRouter(entry, body.routerPort);
      }
      const spec: InstanceSpec = { run: body.run, health: body.health, env: body.env };
      const specKey = stableKey(spec);
      let entryVersion = entry.versions.get(version);
      if (!entryVersion) {
        entryVersion = { spec, specKey, desired: body.instances, instances: [], retired: [], nextIndex: 0 };
        entry.versions.set(version, entryVersion);
      } else {
        if (entryVersion.specKey !== specKey) {
          // Same version, new spec (e.g. changed configuration): start the new set beside the old one, which
          // keeps serving until the new one is healthy (see #retireReplaced).
          entryVersion.retired.push(...entryVersion.instances);
          entryVersion.instances = [];
          entryVersion.spec = spec;
          entryVersion.specKey = specKey;
        }
        entryVersion.desired = body.instances;
      }
      this.#defaultWeights(entry);
      await this.#converge(entry, version, entryVersion);
      await this.#persist();
      return this.#versionStatus(entry, version, entryVersion);
    });
  }

  async scale(component: string, version: string, instances: number): Promise<VersionStatus> {
    return this.#mutex.run(component, async () => {
      const entry = this.#components.get(component);
      const entryVersion = entry?.versions.get(version);
      if (!entry || !entryVersion)
        throw new NotFoundError(`version ${version} of ${component} is not deployed`);
      entryVersion.desired = instances;
      await this.#converge(entry, version, entryVersion);
      await this.#persist();
      return this.#versionStatus(entry, version, entryVersion);
    });
  }

  /** Forget a version: out of routing at once, then drained, then stopped. Resolves when all are stopped. */
  async remove(component: string, version: string): Promise<void> {
    const leaving = await this.#mutex.run(component, async () => {
      const entry = this.#components.get(component);
      const entryVersion = entry?.versions.get(version);
      if (!entry || !entryVersion) return undefined;
      entry.versions.delete(version);
      const { [version]: _removed, ...rest } = entry.weights;
      entry.weights = renormalize(rest);
      entry.matches = entry.matches.filter((m) => m.version !== version);
      this.#defaultWeights(entry);
      await this.#persist();
      return { entry, instances: [...entryVersion.instances, ...entryVersion.retired] };
    });
    if (!leaving) return;
    await this.#retire(leaving.entry, leaving.instances);
    if (!leaving.entry.versions.has(version)) leaving.entry.router?.forgetMetrics(version);
  }

  /** Forget a whole component: every version, and its router listener. */
  async removeComponent(component: string): Promise<void> {
    const entry = this.#components.get(component);
    if (!entry) return;
    for (const version of [...entry.versions.keys()]) await this.remove(component, version);
    await this.#mutex.run(component, async () => {
      if (entry.versions.size > 0) return; // redeployed meanwhile
      this.#components.delete(component);
      await entry.router?.close(2000);
      await this.#persist();
    });
  }

  health(component: string, version: string): VersionStatus | undefined {
    const entry = this.#components.get(component);
    const entryVersion = entry?.versions.get(version);
    return entry && entryVersion ? this.#versionStatus(entry, version, entryVersion) : undefined;
  }

  directUrls(component: string, version: string): string[] | undefined {
    const entryVersion = this.#components.get(component)?.versions.get(version);
    if (!entryVersion) return undefined;
    const host = this.#options.instanceHost;
    return entryVersion.instances
      .filter((i) => i.pid !== undefined && i.state !== 'crashed')
      .map((i) => `http://${host}:${i.port}`);
  }

  components(): ComponentStatus[] {
    return [...this.#components.values()].map((entry) => {
      const status: ComponentStatus = {
        ...this.#trafficState(entry),
        versions: [...entry.versions.entries()].map(([version, v]) => this.#versionStatus(entry, version, v)),
      };
      if (entry.routerPort !== undefined) status.routerPort = entry.routerPort;
      if (entry.routerError !== undefined) status.routerError = entry.routerError;
      return status;
    });
  }

  // ---------------------------------------------------------------- traffic

  traffic(component: string): TrafficState | undefined {
    const entry = this.#components.get(component);
    return entry ? this.#trafficState(entry) : undefined;
  }

  /** Replace weights and match rules (absent `matches` means none), atomically for requests. */
  async setTraffic(
    component: string,
    weights: TrafficWeights,
    matches: TrafficMatch[] = [],
  ): Promise<TrafficState> {
    return this.#mutex.run(component, async () => {
      const entry = this.#components.get(component);
      if (!entry) throw new NotFoundError(`component ${component} is not deployed on this agent`);
      for (const [version, weight] of Object.entries(weights)) {
        if (weight > 0 && !entry.versions.has(version)) {
          throw new ValidationError(`weights: version ${version} of ${component} is not deployed`, {
            path: `weights.${version}`,
            expected: `one of ${[...entry.versions.keys()].join(', ') || '(none deployed)'}`,
          });
        }
      }
      matches.forEach((match, index) => {
        if (!entry.versions.has(match.version)) {
          throw new ValidationError(
            `matches[${index}]: version ${match.version} of ${component} is not deployed`,
            {
              path: `matches[${index}].version`,
            },
          );
        }
      });
      entry.weights = Object.fromEntries(Object.entries(weights).filter(([, w]) => w > 0));
      entry.matches = matches.map((m) => ({ ...m }));
      this.#rebuild(entry);
      await this.#persist();
      this.#options.logger.info('traffic set', {
        component,
        weights: entry.weights,
        matches: entry.matches.length,
      });
      return this.#trafficState(entry);
    });
  }

  /** All traffic to one version, match rules cleared: a blue-green switch or a rollback. */
  switchTo(component: string, version: string): Promise<TrafficState> {
    return this.setTraffic(component, { [version]: 100 }, []);
  }

  metrics(component: string, version: string, windowMs: number): MetricsReading {
    const metrics = this.#components.get(component)?.router?.peekMetrics(version);
    const snapshot = metrics ? metrics.read(windowMs) : summarize(windowMs, 0, 0, []);
    return { component, version, ...snapshot };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Stop routers and instances. The desired state stays on disk: the next agent brings it back. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#routerRetry);
    clearTimeout(this.#pidsTimer);
    const all: Instance[] = [];
    for (const entry of this.#components.values()) {
      all.push(...entry.leaving);
      for (const v of entry.versions.values()) all.push(...v.instances, ...v.retired);
    }
    await Promise.all([...this.#components.values()].map(async (entry) => entry.router?.close(2000)));
    await Promise.all(all.map((instance) => instance.stop(this.#options.stopGraceMs)));
    await this.#saving;
    await saveInstancesRecord(this.#options.stateDir, { instances: [] }).catch(() => undefined);
  }

  // ---------------------------------------------------------------- internals

  async #checkDirectory(path: string): Promise<void> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new ValidationError(`run.cwd: directory ${path} does not exist on the agent's host`, {
        path: 'run.cwd',
      });
    }
  }

  async #ensureRouter(entry: ComponentEntry, wanted: number | undefined): Promise<void> {
    if (entry.router && (wanted === undefined || wanted === entry.router.port)) return;
    if (entry.router && wanted !== undefined) {
      await entry.router.rebind(wanted);
    } else {
      entry.router = await ComponentRouter.listen(
        entry.name,
        this.#options.routerHost,
        wanted ?? entry.routerPort ?? 0,
      );
      this.#rebuild(entry);
    }
    entry.routerPort = entry.router.port;
    delete entry.routerError;
  }

  /** After a restart a recorded router port may be taken for a while: keep trying in the background. */
  async #retryRouters(): Promise<void> {
    for (const entry of this.#components.values()) {
      if (entry.router || this.#closed) continue;
      await this.#mutex
        .run(entry.name, () => this.#ensureRouter(entry, undefined))
        .then(() =>
          this.#options.logger.info('router listening', {
            component: entry.name,
            endpoint: entry.router?.endpoint,
          }),
        )
        .catch((error: unknown) => (entry.routerError = toEdsError(error).message));
    }
  }

  /** A single deployed version with no weights gets all the traffic: what a first deploy expects. */
  #defaultWeights(entry: ComponentEntry): void {
    const hasWeight = Object.values(entry.weights).some((w) => w > 0);
    if (!hasWeight && entry.versions.size === 1) {
      const [only] = entry.versions.keys();
      if (only !== undefined) entry.weights = { [only]: 100 };
    }
  }

  async #converge(entry: ComponentEntry, version: string, v: VersionEntry): Promise<void> {
    while (v.instances.length < v.desired) {
      const port = await this.#allocatePort();
      const index = v.nextIndex++;
      const id = `${entry.name}-${version}-${index}`;
      const instance = new Instance({
        id,
        component: entry.name,
        version,
        port,
        host: this.#options.instanceHost,
        spec: v.spec,
        logFile: join(this.#options.stateDir, 'logs', entry.name, version, `${id}.log`),
        stateDir: this.#options.stateDir,
        logger: this.#options.logger,
        onChange: (changed) => this.#onInstanceChange(entry, changed),
        backoffInitialMs: this.#options.backoffInitialMs,
        backoffMaxMs: this.#options.backoffMaxMs,
      });
      v.instances.push(instance);
      instance.start();
    }
    if (v.instances.length > v.desired) {
      // Scale down the least useful first: not healthy, then the newest.
      const ranked = [...v.instances].sort((a, b) => {
        const ah = a.state === 'healthy' ? 1 : 0;
        const bh = b.state === 'healthy' ? 1 : 0;
        return ah - bh || v.instances.indexOf(b) - v.instances.indexOf(a);
      });
      const extra = new Set(ranked.slice(0, v.instances.length - v.desired));
      v.instances = v.instances.filter((i) => !extra.has(i));
      void this.#retire(entry, [...extra]);
    }
    this.#retireReplaced(entry, v);
    this.#rebuild(entry);
  }

  /** Old-spec instances leave once the new spec has all its instances healthy. */
  #retireReplaced(entry: ComponentEntry, v: VersionEntry): void {
    if (v.retired.length === 0) return;
    const healthy = v.instances.filter((i) => i.state === 'healthy').length;
    if (healthy < v.desired) return;
    const retired = v.retired;
    v.retired = [];
    void this.#retire(entry, retired);
  }

  /** Out of the routing table now; stopped once their in-flight requests are done. No request is cut. */
  async #retire(entry: ComponentEntry, instances: Instance[]): Promise<void> {
    if (instances.length === 0) return;
    for (const instance of instances) entry.leaving.add(instance);
    this.#rebuild(entry);
    await Promise.all(
      instances.map(async (instance) => {
        const drained = await instance.upstream.drain(this.#options.drainTimeoutMs);
        if (!drained) this.#options.logger.warn('drain timed out; stopping anyway', { id: instance.id });
        await instance.stop(this.#options.stopGraceMs);
        instance.upstream.closeConnections();
        entry.leaving.delete(instance);
        this.#usedPorts.delete(instance.port);
        this.#options.logger.info('instance stopped', { id: instance.id });
      }),
    );
    this.#schedulePidsWrite();
  }

  #onInstanceChange(entry: ComponentEntry, instance: Instance): void {
    if (this.#closed) return;
    const v = entry.versions.get(instance.version);
    if (v && v.instances.includes(instance)) this.#retireReplaced(entry, v);
    this.#rebuild(entry);
    this.#schedulePidsWrite();
  }

  /** Build a new routing table from the current healthy instances and swap it in. */
  #rebuild(entry: ComponentEntry): void {
    const router = entry.router;
    if (!router) return;
    const upstreams = new Map<string, Upstream[]>();
    for (const [version, v] of entry.versions) {
      const healthy: Upstream[] = [];
      for (const instance of [...v.instances, ...v.retired]) {
        if (instance.state === 'healthy' && !entry.leaving.has(instance) && !instance.stopping)
          healthy.push(instance.upstream);
      }
      upstreams.set(version, healthy);
    }
    router.setTable(
      new RoutingTable({
        weights: entry.weights,
        matches: entry.matches,
        upstreams,
        metricsFor: (version) => router.metricsFor(version),
      }),
    );
  }

  async #allocatePort(): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await freePort(this.#options.instanceHost);
      if (!this.#usedPorts.has(port)) {
        this.#usedPorts.add(port);
        return port;
      }
    }
    return freePort(this.#options.instanceHost);
  }

  #versionStatus(entry: ComponentEntry, version: string, v: VersionEntry): VersionStatus {
    return {
      component: entry.name,
      version,
      desired: v.desired,
      healthy: v.instances.filter((i) => i.state === 'healthy').length,
      instances: [...v.instances, ...v.retired].map((i) => i.status()),
    };
  }

  #trafficState(entry: ComponentEntry): TrafficState {
    const host = this.#options.routerHost;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return {
      component: entry.name,
      weights: { ...entry.weights },
      matches: entry.matches.map((m) => ({ ...m })),
      endpoint: entry.router?.endpoint ?? `http://${shown}:${entry.routerPort ?? 0}`,
    };
  }

  #snapshot(): PersistedState {
    const components: PersistedState['components'] = {};
    for (const [name, entry] of this.#components) {
      const versions: PersistedState['components'][string]['versions'] = {};
      for (const [version, v] of entry.versions) versions[version] = { instances: v.desired, ...v.spec };
      components[name] = { weights: entry.weights, matches: entry.matches, versions };
      if (entry.routerPort !== undefined) components[name].routerPort = entry.routerPort;
    }
    return { format: 'eds-agent-state/v1', components };
  }

  /** Writes are chained so they land in order; each writes the state as it is when its turn comes. */
  #persist(): Promise<void> {
    const next = this.#saving
      .catch(() => undefined)
      .then(() => saveDesiredState(this.#options.stateDir, this.#snapshot()));
    this.#saving = next;
    return next;
  }

  #schedulePidsWrite(): void {
    if (this.#pidsTimer || this.#closed) return;
    this.#pidsTimer = setTimeout(() => {
      this.#pidsTimer = undefined;
      const instances: Array<{ id: string; pid: number }> = [];
      for (const entry of this.#components.values()) {
        const all = [...entry.leaving];
        for (const v of entry.versions.values()) all.push(...v.instances, ...v.retired);
        for (const i of all) if (i.pid !== undefined) instances.push({ id: i.id, pid: i.pid });
      }
      saveInstancesRecord(this.#options.stateDir, { instances }).catch((error: unknown) =>
        this.#options.logger.warn('could not record instance pids', { error: toEdsError(error).message }),
      );
    }, 50);
  }

  /**
   * Instances of an agent that died without stopping them (SIGKILL, OOM) are still running and unknown to us.
   * We stop them and start fresh ones: their ports and health are unknown, and adopting a process we did not
   * spawn would leave us unable to see it exit. A pid is only killed if its environment carries our state
   * directory, so a recycled pid belonging to someone else is left alone.
   */
  async #stopOrphans(): Promise<void> {
    const record = await loadInstancesRecord(this.#options.stateDir);
    const marker = `EDS_AGENT_STATE_DIR=${this.#options.stateDir}\0`;
    await Promise.all(
      record.instances.map(async ({ id, pid }) => {
        if (!isAlive(pid)) return;
        const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => undefined);
        if (environ !== undefined && !environ.includes(marker)) return;
        this.#options.logger.warn('stopping orphan instance of a previous agent', { id, pid });
        await terminateGroup(pid, this.#options.stopGraceMs);
      }),
    );
    await saveInstancesRecord(this.#options.stateDir, { instances: [] });
  }

  async #restore(state: PersistedState): Promise<void> {
    for (const [name, persisted] of Object.entries(state.components)) {
      const entry: ComponentEntry = {
        name,
        weights: persisted.weights,
        matches: persisted.matches,
        versions: new Map(),
        leaving: new Set(),
      };
      if (persisted.routerPort !== undefined) entry.routerPort = persisted.routerPort;
      this.#components.set(name, entry);
      try {
        entry.router = await ComponentRouter.listen(
          name,
          this.#options.routerHost,
          persisted.routerPort ?? 0,
        );
        entry.routerPort = entry.router.port;
      } catch (error) {
        entry.routerError = toEdsError(error).message;
        this.#options.logger.error('router could not listen; retrying', {
          component: name,
          error: entry.routerError,
        });
      }
      for (const [version, pv] of Object.entries(persisted.versions)) {
        const spec: InstanceSpec = { run: pv.run, health: pv.health, env: pv.env };
        const v: VersionEntry = {
          spec,
          specKey: stableKey(spec),
          desired: pv.instances,
          instances: [],
          retired: [],
          nextIndex: 0,
        };
        entry.versions.set(version, v);
        await this.#converge(entry, version, v);
      }
      this.#rebuild(entry);
      this.#options.logger.info('component restored', {
        component: name,
        versions: [...entry.versions.keys()],
        weights: entry.weights,
      });
    }
    await this.#persist();
  }
}
