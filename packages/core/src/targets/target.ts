/**
 * Where versions run. The controller drives a Target only through this interface; the host agent (`local`,
 * `VM`) and Kubernetes implement it. Every method is idempotent: calling it again with the same arguments
 * converges on the same state, which is what lets a killed deployment be resumed by re-running its step.
 */

/** How instances of a component are started on a host. */
export interface RunSpec {
  /** Shell command line, run with `sh -c` in `cwd`. */
  command: string;
  /** Port the instance listens on when it does not read `PORT`; normally the agent picks one and sets `PORT`. */
  port?: number;
  cwd?: string;
}

export interface HealthCheckSpec {
  /** HTTP path answered with 2xx/3xx when healthy. */
  http?: string;
  /** TCP connect to the instance port counts as healthy. */
  tcp?: boolean;
  /** A shell command; exit 0 is healthy. */
  command?: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive successes before an instance is healthy. */
  healthyThreshold: number;
  /** Consecutive failures before a healthy instance is unhealthy. */
  unhealthyThreshold: number;
}

export interface DeployVersionRequest {
  component: string;
  version: string;
  instances: number;
  /** How host targets start an instance; a host target refuses a request without it. */
  run?: RunSpec;
  /** The container image (cluster targets); its tag follows the version. */
  image?: string;
  health: HealthCheckSpec;
  /** Environment for the instances (configuration keys). Values may be secrets: sent only to the target. */
  env: Record<string, string>;
  /**
   * Port of the component's router listener on a host target (the environment target's port). Absent: the
   * agent keeps the port it recorded for the component, or picks a free one the first time.
   */
  routerPort?: number;
}

export type InstanceState = 'starting' | 'healthy' | 'unhealthy' | 'crashed' | 'stopped';

export interface InstanceStatus {
  id: string;
  version: string;
  port: number;
  pid?: number;
  state: InstanceState;
  restarts: number;
  /** Last health-check or exit message, e.g. `GET /healthz -> 404` or `exited with code 1`. */
  lastError?: string;
  /** How the process last ended on its own (`exited with code 1`, `killed by signal SIGKILL`); kept after a restart. */
  lastExit?: string;
}

export interface VersionStatus {
  component: string;
  version: string;
  desired: number;
  healthy: number;
  instances: InstanceStatus[];
}

/** Weights per version, summing to 100. A version absent from the map gets no traffic. */
export type TrafficWeights = Record<string, number>;

/** Requests matching this go to `version` regardless of weights (A/B, testers, preview traffic). */
export interface TrafficMatch {
  version: string;
  header?: { name: string; value: string };
  cookie?: { name: string; value: string };
}

export interface TrafficState {
  component: string;
  weights: TrafficWeights;
  matches: TrafficMatch[];
  /** Public URL of the component's router listener. */
  endpoint: string;
  /** With several hosts (a `VM` target), every host's router URL; `endpoint` is the first. */
  endpoints?: string[];
}

export interface TrafficRouter {
  /** Atomically replace the weights (and optional match rules) of a component's listener. */
  setWeights(component: string, weights: TrafficWeights, matches?: TrafficMatch[]): Promise<TrafficState>;
  /** Send all traffic to one version at once (blue-green switch). */
  switchTo(component: string, version: string): Promise<TrafficState>;
  getState(component: string): Promise<TrafficState | undefined>;
}

/** Request metrics of one version over a sliding window, as measured by the router. */
export interface VersionMetrics {
  component: string;
  version: string;
  windowMs: number;
  requests: number;
  errors5xx: number;
  /** errors5xx / requests, or 0 when there were no requests. */
  errorRate: number;
  /** Latency percentiles in milliseconds; undefined when there were no requests. */
  p50?: number;
  p95?: number;
  p99?: number;
}

export interface MetricsSource {
  read(component: string, version: string, windowMs: number): Promise<VersionMetrics>;
}

export interface Target {
  /** Human name for logs, e.g. `local agent http://127.0.0.1:7420`. */
  readonly description: string;
  readonly router: TrafficRouter;
  readonly metrics: MetricsSource;
  /** Ensure `instances` instances of the version run (start, restart or stop to converge). Resolves when started, not when healthy. */
  deploy(request: DeployVersionRequest): Promise<VersionStatus>;
  scale(component: string, version: string, instances: number): Promise<VersionStatus>;
  /** Stop and forget a version; draining in-flight requests first. No error if it does not exist. */
  remove(component: string, version: string): Promise<void>;
  health(component: string, version: string): Promise<VersionStatus | undefined>;
  /** Direct address of one version's instances, for preview checks that must bypass the router. */
  directUrls(component: string, version: string): Promise<string[]>;
  /**
   * Apply the environment's rendered supporting objects (ConfigMaps, Secrets, RBAC, user templates) before the
   * rollout; cluster targets only. Returns `Kind/name` of each object applied.
   */
  applyManifests?(documents: Record<string, unknown>[]): Promise<string[]>;
  /** Delete supporting objects applied earlier that are not in `kept`; returns `Kind/name` of each deleted. */
  pruneManifests?(kept: Record<string, unknown>[]): Promise<string[]>;
}
