import http from 'node:http';
import https from 'node:https';
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { InternalError, ValidationError, redact } from '@eds/core';
import { apiError, subjectOf } from './api-errors.js';
import type { LoadedConfig } from './kubeconfig.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Default `application/json`; patches name their type (`application/apply-patch+yaml`, merge, JSON patch). */
  contentType?: string;
}

export interface RetryPolicy {
  /** Attempts per request when the server cannot be reached (or answers 429/503/504). */
  attempts: number;
  /** First back-off delay; doubled each attempt. */
  baseDelayMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, timeoutMs: 30_000 };

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface WatchHandle {
  stop(): void;
}

/** Network failures worth another try: the server may be restarting or a load balancer flapping. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

class TransientFailure extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one door to the API server: JSON requests with bounded retries, errors turned into EdsErrors that name
 * the verb, resource, namespace and server, and watches through client-node's `Watch`. Authentication (tokens,
 * client certificates, exec plugins) is client-node's, through the loaded KubeConfig.
 */
export class KubeClient {
  readonly config: KubeConfig;
  readonly server: string;
  readonly namespace: string;
  readonly #retry: RetryPolicy;
  #requestOptions: Promise<https.RequestOptions> | undefined;

  constructor(loaded: LoadedConfig, retry: Partial<RetryPolicy> = {}) {
    this.config = loaded.config;
    this.server = loaded.server.replace(/\/+$/, '');
    this.namespace = loaded.namespace;
    this.#retry = { ...DEFAULT_RETRY, ...retry };
  }

  /** TLS material, agent and auth headers from the kubeconfig; computed once (exec plugins may be slow). */
  #options(): Promise<https.RequestOptions> {
    this.#requestOptions ??= (async () => {
      const options: https.RequestOptions = {};
      try {
        await this.config.applyToHTTPSOptions(options);
      } catch (cause) {
        throw new ValidationError(`cannot use the cluster at ${this.server}: ${(cause as Error).message}`, {
          code: 'INVALID_KUBECONFIG',
          expected: 'an https server, or insecure-skip-tls-verify: true for a plain-http one',
          cause,
        });
      }
      return options;
    })();
    return this.#requestOptions;
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { attempts, baseDelayMs } = this.#retry;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        return await this.#once<T>(method, path, options);
      } catch (error) {
        if (!(error instanceof TransientFailure)) throw error;
        last = error;
        if (attempt < attempts) await sleep(baseDelayMs * 2 ** (attempt - 1));
      }
    }
    const subject = subjectOf(method, path, false);
    throw new InternalError(
      `Kubernetes API server ${this.server} unreachable: ${subject.verb} ${subject.resource} failed ${attempts} times (${
        (last as Error).message
      })`,
      { code: 'KUBERNETES_UNREACHABLE', details: { server: this.server, attempts } },
    );
  }

  async #once<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const base = await this.#options();
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: http.OutgoingHttpHeaders = {
      ...((base.headers ?? {}) as http.OutgoingHttpHeaders),
      accept: 'application/json',
      ...(body !== undefined
        ? {
            'content-type': options.contentType ?? 'application/json',
            'content-length': Buffer.byteLength(body),
          }
        : {}),
    };
    const transport = url.protocol === 'https:' ? https : http;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method,
          headers,
          ...(base.agent !== undefined ? { agent: base.agent } : {}),
          ...(base.auth ? { auth: base.auth } : {}),
          ...(url.protocol === 'https:'
            ? { ca: base.ca, cert: base.cert, key: base.key, rejectUnauthorized: base.rejectUnauthorized }
            : {}),
          timeout: this.#retry.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', (error) => reject(new TransientFailure(error.message)));
        },
      );
      request.on('timeout', () =>
        request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          TRANSIENT_CODES.has(error.code ?? '') || error.code === 'ENOTFOUND'
            ? new TransientFailure(`${error.code ?? 'error'} ${redact(error.message)}`)
            : error,
        );
      });
      if (body !== undefined) request.write(body);
      request.end();
    });
    if (TRANSIENT_STATUS.has(status)) throw new TransientFailure(`HTTP ${status}`);
    if (status < 200 || status >= 300) {
      throw apiError(status, text, subjectOf(method, path, false), this.server);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query ? { query } : {});
  }

  /**
   * Watch a collection from `resourceVersion`; reconnects after the server closes the stream (it does every few
   * minutes) from the last version seen, and re-lists through `onResync` when that version is too old (410).
   */
  watch<T extends { metadata?: { resourceVersion?: string } }>(
    path: string,
    query: Query,
    resourceVersion: string | undefined,
    onEvent: (event: WatchEvent<T>) => void,
    onError: (error: Error) => void,
  ): WatchHandle {
    const watcher = new Watch(this.config);
    let stopped = false;
    let current: AbortController | undefined;
    let version = resourceVersion;
    let failures = 0;
    const start = async (): Promise<void> => {
      if (stopped) return;
      try {
        current = await watcher.watch(
          path,
          { ...query, allowWatchBookmarks: true, ...(version ? { resourceVersion: version } : {}) },
          (type, object: T) => {
            failures = 0;
            if (type === 'ERROR') {
              const status = object as { code?: number; message?: string };
              // 410 Gone: our version was compacted away; start again from now.
              if (status.code === 410) version = undefined;
              else onError(new InternalError(`watch ${path} failed: ${status.message ?? 'error'}`));
              return;
            }
            version = object.metadata?.resourceVersion ?? version;
            if (type !== 'BOOKMARK') onEvent({ type: type as WatchEvent<T>['type'], object });
          },
          (error: unknown) => {
            if (stopped) return;
            const status = (error as { statusCode?: number } | null)?.statusCode;
            if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
              // Permission or path problems do not heal by retrying.
              onError(apiError(status, '', subjectOf('GET', path, true), this.server));
              return;
            }
            if (error) failures += 1;
            if (failures > this.#retry.attempts) {
              onError(
                new InternalError(
                  `watch of ${path} on ${this.server} failed ${failures} times: ${redact(String((error as Error)?.message ?? error))}`,
                  { code: 'KUBERNETES_UNREACHABLE' },
                ),
              );
              return;
            }
            setTimeout(() => void start(), error ? this.#retry.baseDelayMs * 2 ** (failures - 1) : 0);
          },
        );
        if (stopped) current.abort();
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      }
    };
    void start();
    return {
      stop() {
        stopped = true;
        current?.abort();
      },
    };
  }
}
