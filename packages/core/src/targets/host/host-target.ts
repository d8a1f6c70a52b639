import { isAbsolute, resolve } from 'node:path';
import { InternalError, NotFoundError, ValidationError, type EdsError } from '../../errors/index.js';
import { SecretValue } from '../../secrets/index.js';
import type {
  DeployVersionRequest,
  MetricsSource,
  Target,
  TrafficMatch,
  TrafficRouter,
  TrafficState,
  TrafficWeights,
  VersionMetrics,
  VersionStatus,
} from '../target.js';
import type { ComponentStatus, MetricsReading } from './agent.js';
import { API_PREFIX, type ApiErrorBody, type PingResponse } from './protocol.js';

export interface HostTargetOptions {
  /** The agent's control URL, e.g. `http://127.0.0.1:7420`. */
  url: string;
  token: string | SecretValue;
  /** Router port per component (the environment target's `port`), used when a deploy request has none. */
  routerPorts?: Record<string, number>;
  description?: string;
  /** Per-call timeout; a removal waits for draining, so keep it above the agent's drain timeout. */
  timeoutMs?: number;
  /** Resolve a relative `run.cwd` against this directory before sending (for an agent on this host). */
  baseDir?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function errorFromResponse(status: number, body: unknown, what: string): EdsError {
  const error = (body as Partial<ApiErrorBody> | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : `${what}: HTTP ${status}`;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const location = { path: error?.path, expected: error?.expected };
  if (status === 401) {
    return new ValidationError(`agent rejected the token (401): ${message}`, { code: 'AGENT_UNAUTHORIZED' });
  }
  if (status === 404 && code === 'NOT_FOUND') return new NotFoundError(message, location);
  if (status >= 400 && status < 500)
    return new ValidationError(message, { ...location, code: code ?? 'INVALID_REQUEST' });
  return new InternalError(`agent error: ${message}`, { code: code ?? 'AGENT_ERROR' });
}

/**
 * A Target backed by one EDS agent, over its HTTP control API. Stateless: every call asks the agent, so any
 * process holding the URL and token (a later CI job, `eds status`) sees the same state.
 */
export class HostTarget implements Target {
  readonly description: string;
  readonly url: string;
  readonly router: TrafficRouter;
  readonly metrics: MetricsSource;
  readonly #token: SecretValue;
  readonly #options: HostTargetOptions;

  constructor(options: HostTargetOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#token = options.token instanceof SecretValue ? options.token : new SecretValue(options.token);
    this.#options = options;
    this.description = options.description ?? `agent ${this.url}`;
    this.router = {
      setWeights: (component, weights, matches) => this.setWeights(component, weights, matches),
      switchTo: (component, version) => this.switchTo(component, version),
      getState: (component) => this.getTraffic(component),
    };
    this.metrics = { read: (component, version, windowMs) => this.readMetrics(component, version, windowMs) };
  }

  ping(): Promise<PingResponse> {
    return this.#call<PingResponse>('GET', '/ping', undefined, 'ping');
  }

  async deploy(request: DeployVersionRequest): Promise<VersionStatus> {
    if (!request.run) {
      throw new ValidationError(
        `component ${request.component} has no \`run\` command: a host target starts processes`,
        {
          code: 'RUN_REQUIRED',
          path: `components[${request.component}].run`,
          expected: 'run: { command: ... }',
        },
      );
    }
    const run = { ...request.run };
    if (run.cwd !== undefined && this.#options.baseDir !== undefined && !isAbsolute(run.cwd)) {
      run.cwd = resolve(this.#options.baseDir, run.cwd);
    }
    const routerPort = request.routerPort ?? this.#options.routerPorts?.[request.component];
    const body = { instances: request.instances, run, health: request.health, env: request.env, routerPort };
    return this.#call('PUT', this.#versionPath(request.component, request.version), body, 'deploy');
  }

  scale(component: string, version: string, instances: number): Promise<VersionStatus> {
    return this.#call('PATCH', this.#versionPath(component, version), { instances }, 'scale');
  }

  async remove(component: string, version: string): Promise<void> {
    await this.#call('DELETE', this.#versionPath(component, version), undefined, 'remove');
  }

  /** Remove every version of a component and close its router listener. */
  async removeComponent(component: string): Promise<void> {
    await this.#call('DELETE', `/components/${encodeURIComponent(component)}`, undefined, 'remove component');
  }

  health(component: string, version: string): Promise<VersionStatus | undefined> {
    return this.#optional(this.#call('GET', this.#versionPath(component, version), undefined, 'health'));
  }

  async directUrls(component: string, version: string): Promise<string[]> {
    const result = await this.#call<{ urls: string[] }>(
      'GET',
      `${this.#versionPath(component, version)}/urls`,
      undefined,
      'urls',
    );
    // Instances listen on the agent host's loopback: from here they are at the agent's address.
    const agentHost = new URL(this.url).hostname;
    if (LOOPBACK.has(agentHost)) return result.urls;
    return result.urls.map((raw) => {
      const url = new URL(raw);
      if (LOOPBACK.has(url.hostname)) url.hostname = agentHost;
      return url.origin;
    });
  }

  /** Every component on the agent, with versions, instances and traffic. */
  async listComponents(): Promise<ComponentStatus[]> {
    const result = await this.#call<{ components: ComponentStatus[] }>(
      'GET',
      '/components',
      undefined,
      'status',
    );
    return result.components;
  }

  setWeights(component: string, weights: TrafficWeights, matches?: TrafficMatch[]): Promise<TrafficState> {
    return this.#call(
      'PUT',
      `/components/${encodeURIComponent(component)}/traffic`,
      { weights, matches },
      'set weights',
    );
  }

  switchTo(component: string, version: string): Promise<TrafficState> {
    return this.#call('POST', `/components/${encodeURIComponent(component)}/switch`, { version }, 'switch');
  }

  getTraffic(component: string): Promise<TrafficState | undefined> {
    return this.#optional(
      this.#call('GET', `/components/${encodeURIComponent(component)}/traffic`, undefined, 'traffic'),
    );
  }

  async readMetrics(component: string, version: string, windowMs: number): Promise<VersionMetrics> {
    const { histogram: _histogram, ...metrics } = await this.readRawMetrics(component, version, windowMs);
    return metrics;
  }

  /** Metrics with the sparse latency histogram, which several hosts' readings can be merged with exactly. */
  readRawMetrics(component: string, version: string, windowMs: number): Promise<MetricsReading> {
    const query = `?windowMs=${Math.round(windowMs)}`;
    return this.#call(
      'GET',
      `${this.#versionPath(component, version)}/metrics${query}`,
      undefined,
      'metrics',
    );
  }

  #versionPath(component: string, version: string): string {
    return `/components/${encodeURIComponent(component)}/versions/${encodeURIComponent(version)}`;
  }

  async #optional<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async #call<T>(method: string, path: string, body: unknown, what: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${API_PREFIX}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#token.reveal()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 120_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new InternalError(`${what}: agent ${this.url} is unreachable (${cause})`, {
        code: 'AGENT_UNREACHABLE',
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new InternalError(`${what}: agent ${this.url} answered HTTP ${response.status} with non-JSON`, {
        code: 'AGENT_ERROR',
      });
    }
    if (!response.ok) throw errorFromResponse(response.status, parsed, what);
    return parsed as T;
  }
}
