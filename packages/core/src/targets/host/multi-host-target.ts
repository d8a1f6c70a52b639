import { ValidationError } from '../../errors/index.js';
import type {
  DeployVersionRequest,
  MetricsSource,
  Target,
  TrafficRouter,
  TrafficState,
  VersionMetrics,
  VersionStatus,
} from '../target.js';
import { HostTarget, type HostTargetOptions } from './host-target.js';
import { mergeSparse } from './latency-histogram.js';
import { summarize } from './sliding-metrics.js';

/**
 * A `VM` target: the same component on several hosts, each with its own agent. Every call goes to all hosts
 * (deploy N instances on each, the same weights on each router); reads are aggregated: health sums the
 * hosts, metrics add request counts and merge latency histograms exactly (not an average of percentiles).
 * A failure on any host fails the call; since every call is idempotent, running it again converges.
 */
export class MultiHostTarget implements Target {
  readonly description: string;
  readonly hosts: readonly HostTarget[];
  readonly router: TrafficRouter;
  readonly metrics: MetricsSource;

  constructor(hosts: ReadonlyArray<HostTarget | HostTargetOptions>) {
    if (hosts.length === 0)
      throw new ValidationError('a VM target needs at least one host', { path: 'hosts' });
    this.hosts = hosts.map((host) => (host instanceof HostTarget ? host : new HostTarget(host)));
    this.description = `VM hosts ${this.hosts.map((h) => h.url).join(', ')}`;
    this.router = {
      setWeights: (component, weights, matches) =>
        this.#traffic((h) => h.setWeights(component, weights, matches)),
      switchTo: (component, version) => this.#traffic((h) => h.switchTo(component, version)),
      getState: async (component) => {
        const states = await Promise.all(this.hosts.map((h) => h.getTraffic(component)));
        return states.some((s) => s === undefined) ? undefined : this.#mergeTraffic(states as TrafficState[]);
      },
    };
    this.metrics = {
      read: (component, version, windowMs) => this.#readMetrics(component, version, windowMs),
    };
  }

  async deploy(request: DeployVersionRequest): Promise<VersionStatus> {
    return this.#mergeStatus(
      request.component,
      request.version,
      await Promise.all(this.hosts.map((h) => h.deploy(request))),
    );
  }

  async scale(component: string, version: string, instances: number): Promise<VersionStatus> {
    return this.#mergeStatus(
      component,
      version,
      await Promise.all(this.hosts.map((h) => h.scale(component, version, instances))),
    );
  }

  async remove(component: string, version: string): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.remove(component, version)));
  }

  async health(component: string, version: string): Promise<VersionStatus | undefined> {
    const statuses = await Promise.all(this.hosts.map((h) => h.health(component, version)));
    const known = statuses.filter((s): s is VersionStatus => s !== undefined);
    return known.length === 0 ? undefined : this.#mergeStatus(component, version, statuses);
  }

  async directUrls(component: string, version: string): Promise<string[]> {
    return (await Promise.all(this.hosts.map((h) => h.directUrls(component, version)))).flat();
  }

  /** A host missing the version counts as zero healthy of zero desired; instance ids are prefixed by host. */
  #mergeStatus(
    component: string,
    version: string,
    statuses: Array<VersionStatus | undefined>,
  ): VersionStatus {
    const merged: VersionStatus = { component, version, desired: 0, healthy: 0, instances: [] };
    statuses.forEach((status, index) => {
      if (!status) return;
      const host = new URL(this.hosts[index]?.url ?? 'http://unknown').host;
      merged.desired += status.desired;
      merged.healthy += status.healthy;
      merged.instances.push(...status.instances.map((i) => ({ ...i, id: `${host}/${i.id}` })));
    });
    return merged;
  }

  async #traffic(call: (host: HostTarget) => Promise<TrafficState>): Promise<TrafficState> {
    return this.#mergeTraffic(await Promise.all(this.hosts.map(call)));
  }

  #mergeTraffic(states: TrafficState[]): TrafficState {
    const [first] = states;
    if (!first) throw new ValidationError('no hosts');
    return { ...first, endpoints: states.map((s) => s.endpoint) };
  }

  async #readMetrics(component: string, version: string, windowMs: number): Promise<VersionMetrics> {
    const readings = await Promise.all(this.hosts.map((h) => h.readRawMetrics(component, version, windowMs)));
    const requests = readings.reduce((sum, r) => sum + r.requests, 0);
    const errors = readings.reduce((sum, r) => sum + r.errors5xx, 0);
    const { histogram: _histogram, ...summary } = summarize(
      windowMs,
      requests,
      errors,
      mergeSparse(readings.map((r) => r.histogram)),
    );
    return { component, version, ...summary };
  }
}
