import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { InternalError, ValidationError } from '../../errors/index.js';
import { RoutingTable, type VersionRoute } from './routing-table.js';
import { SlidingMetrics } from './sliding-metrics.js';
import type { Upstream } from './upstream.js';

/** Connection-level headers (RFC 9110 7.6.1) that a proxy must not forward. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Errors meaning the request never reached the application, so sending it again cannot run it twice. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const MAX_ATTEMPTS = 3;
const STATUS_CLIENT_CLOSED = 499;

function requestHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const incoming: IncomingHttpHeaders = req.headers;
  const connection = incoming.connection;
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name)) continue;
    headers[name] = incoming[name];
  }
  // Headers named in `Connection` are hop-by-hop too (rare: only look when there is something unusual).
  if (connection && connection !== 'keep-alive' && connection !== 'close') {
    for (const name of connection.split(',')) delete headers[name.trim().toLowerCase()];
  }
  const remote = req.socket.remoteAddress ?? '';
  const forwarded = incoming['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded ? `${String(forwarded)}, ${remote}` : remote;
  headers['x-forwarded-proto'] ??= 'http';
  if (incoming.host !== undefined) headers['x-forwarded-host'] ??= incoming.host;
  // Bodies are streamed through: keep their framing when the client used chunked encoding.
  if (incoming['transfer-encoding'] !== undefined)
    headers['transfer-encoding'] = incoming['transfer-encoding'];
  return headers;
}

function responseHeaders(res: IncomingMessage, version: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const incoming = res.headers;
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name)) continue;
    headers[name] = incoming[name];
  }
  headers['x-eds-version'] = version;
  return headers;
}

/** A request without a body can be sent again as is; one whose body is being streamed cannot. */
function isReplayable(req: IncomingMessage): boolean {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && method !== 'DELETE') return false;
  const length = req.headers['content-length'];
  return (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

/**
 * The traffic router of one component: an HTTP listener that sends each request to a version (match rules
 * first, then weights) and, inside the version, round-robin to a healthy instance, over a keep-alive pool.
 * Each finished request is counted in its version's sliding metrics; a proxy failure counts as a 502.
 *
 * A request that failed before reaching the application (connection refused or reset on a reused keep-alive
 * socket) and has no body is tried again on another instance: that is what keeps "no request dropped" true
 * when an instance dies between a health check and a request.
 */
export class ComponentRouter {
  readonly component: string;
  readonly host: string;
  #server: http.Server;
  #table: RoutingTable = RoutingTable.empty();
  readonly #metrics = new Map<string, SlidingMetrics>();
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(component: string, host: string) {
    this.component = component;
    this.host = host;
    this.#server = this.#createServer();
  }

  /** Bind a router for `component`; port 0 picks a free one. A taken port is the user's to fix (exit 2). */
  static async listen(component: string, host: string, port: number): Promise<ComponentRouter> {
    const router = new ComponentRouter(component, host);
    await router.#bind(port);
    return router;
  }

  get port(): number {
    return this.#port;
  }

  get endpoint(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.#port}`;
  }

  get table(): RoutingTable {
    return this.#table;
  }

  /** Atomically replace where requests go. */
  setTable(table: RoutingTable): void {
    this.#table = table;
  }

  metricsFor(version: string): SlidingMetrics {
    let metrics = this.#metrics.get(version);
    if (!metrics) {
      metrics = new SlidingMetrics();
      this.#metrics.set(version, metrics);
    }
    return metrics;
  }

  peekMetrics(version: string): SlidingMetrics | undefined {
    return this.#metrics.get(version);
  }

  forgetMetrics(version: string): void {
    this.#metrics.delete(version);
  }

  /** Move to another port: bind the new listener first (so a taken port changes nothing), then close the old. */
  async rebind(port: number): Promise<void> {
    const old = this.#server;
    const oldSockets = [...this.#sockets];
    this.#server = this.#createServer();
    try {
      await this.#bind(port);
    } catch (error) {
      this.#server = old;
      throw error;
    }
    await closeServer(old, oldSockets, 5000);
  }

  /** Stop accepting connections, let in-flight requests finish (up to `graceMs`), then close what is left. */
  async close(graceMs = 5000): Promise<void> {
    await closeServer(this.#server, [...this.#sockets], graceMs);
  }

  #createServer(): http.Server {
    const server = http.createServer(
      { keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 0 },
      (req, res) => this.#forward(req, res, performance.now(), 1, undefined),
    );
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('clientError', (_error, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    return server;
  }

  #bind(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        if (error.code === 'EADDRINUSE') {
          reject(
            new ValidationError(
              `router port ${port} for component ${this.component} is already in use on ${this.host}`,
              {
                code: 'PORT_IN_USE',
                expected: 'a free port, or none to let the agent pick one',
                details: { port },
              },
            ),
          );
        } else if (error.code === 'EACCES') {
          reject(
            new ValidationError(`router port ${port} for component ${this.component}: permission denied`, {
              code: 'PORT_DENIED',
            }),
          );
        } else {
          reject(
            new InternalError(
              `router for ${this.component} could not listen on ${this.host}:${port}: ${error.message}`,
              { cause: error },
            ),
          );
        }
      };
      this.#server.once('error', onError);
      this.#server.listen(port, this.host, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  #forward(
    req: IncomingMessage,
    res: ServerResponse,
    start: number,
    attempt: number,
    failed: Upstream | undefined,
  ): void {
    const route: VersionRoute | undefined = this.#table.pick(req);
    if (!route) {
      if (!res.headersSent) {
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
        res.end(`no healthy instance of ${this.component}\n`);
      }
      return;
    }
    const upstream = route.nextUpstream(failed);
    upstream.inflight++;
    let settled = false;
    const settle = (status: number): void => {
      if (settled) return;
      settled = true;
      upstream.release();
      route.metrics.record(status, performance.now() - start);
    };

    const upstreamReq = http.request({
      host: upstream.host,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: requestHeaders(req),
      agent: upstream.agent,
    });

    upstreamReq.on('response', (upstreamRes) => {
      const status = upstreamRes.statusCode ?? 502;
      res.writeHead(status, responseHeaders(upstreamRes, route.version));
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => {
        settle(502);
        res.destroy();
      });
      res.on('finish', () => settle(status));
    });

    upstreamReq.on('error', (error) => {
      if (settled) return;
      if (res.headersSent) {
        // The answer had started: the only honest thing left is to cut the client connection.
        settle(502);
        res.destroy();
        return;
      }
      if (res.destroyed) {
        settle(STATUS_CLIENT_CLOSED);
        return;
      }
      const code = errorCode(error);
      if (attempt < MAX_ATTEMPTS && NOT_DELIVERED.has(code) && isReplayable(req)) {
        // Not counted in metrics: the request is not finished, the retry will count it.
        settled = true;
        upstream.release();
        this.#forward(req, res, start, attempt + 1, upstream);
        return;
      }
      settle(502);
      res.writeHead(502, { 'content-type': 'text/plain', 'x-eds-version': route.version });
      res.end(`bad gateway: ${this.component} ${route.version}: ${code}\n`);
    });

    res.on('close', () => {
      if (!res.writableFinished) {
        // The client went away first: stop the upstream work and free the instance for draining.
        upstreamReq.destroy();
        settle(STATUS_CLIENT_CLOSED);
      }
    });

    if (attempt === 1 && !isReplayable(req)) req.pipe(upstreamReq);
    else upstreamReq.end();
  }
}

function closeServer(server: http.Server, sockets: Socket[], graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      for (const socket of sockets) socket.destroy();
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
