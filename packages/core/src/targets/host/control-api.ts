import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { EdsError, NotFoundError, ValidationError, toEdsError } from '../../errors/index.js';
import type { Agent } from './agent.js';
import type { AgentLogger } from './logger.js';
import {
  API_PREFIX,
  componentNameSchema,
  deployBodySchema,
  metricsQuerySchema,
  parseInput,
  scaleBodySchema,
  switchBodySchema,
  trafficBodySchema,
  versionNameSchema,
  type ApiErrorBody,
  type PingResponse,
} from './protocol.js';

/** Control requests are small JSON documents; anything bigger is a mistake or an attack. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ControlApiOptions {
  agent: Agent;
  token: string;
  logger: AgentLogger;
  info: () => Omit<PingResponse, 'ok' | 'agent'>;
}

class HttpError extends EdsError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, 2, message);
    this.status = status;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time token check (hashing first makes the lengths equal, as timingSafeEqual requires). */
export function tokenMatches(header: string | undefined, expected: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7).trim()), digest(expected));
}

function statusOf(error: EdsError): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error.code === 'PORT_IN_USE') return 409;
  if (error instanceof ValidationError || error.exitCode === 2) return 400;
  return 500;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'BODY_TOO_LARGE', `body: larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text) as unknown);
      } catch (error) {
        reject(
          new ValidationError(`body: not valid JSON (${(error as Error).message})`, {
            path: 'body',
            code: 'INVALID_JSON',
          }),
        );
      }
    });
  });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError(`path: segment ${JSON.stringify(segment)} is not valid percent-encoding`, {
      code: 'INVALID_REQUEST',
    });
  }
}

/**
 * The agent's HTTP control API. Every request must carry `Authorization: Bearer <token>`; a wrong or missing
 * token is answered 401 before anything is read or changed. Errors are EdsErrors as JSON (`ApiErrorBody`)
 * with 400 (invalid input), 404 (unknown route, component or version), 409 (router port taken) or 500.
 *
 *   GET    /v1/ping
 *   GET    /v1/components                                   every component with versions and traffic
 *   DELETE /v1/components/:c                                remove every version and the router
 *   GET    /v1/components/:c/traffic                        TrafficState
 *   PUT    /v1/components/:c/traffic                        { weights, matches? } -> TrafficState
 *   POST   /v1/components/:c/switch                         { version } -> TrafficState
 *   PUT    /v1/components/:c/versions/:v                    deploy { instances, run, health, env, routerPort? }
 *   PATCH  /v1/components/:c/versions/:v                    scale { instances }
 *   GET    /v1/components/:c/versions/:v                    VersionStatus
 *   DELETE /v1/components/:c/versions/:v                    remove (drains first)
 *   GET    /v1/components/:c/versions/:v/metrics?windowMs=  VersionMetrics + sparse latency histogram
 *   GET    /v1/components/:c/versions/:v/urls               { urls } direct instance addresses
 */
export function createControlServer(options: ControlApiOptions): http.Server {
  const { agent, token, logger } = options;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith(`${API_PREFIX}/`))
      throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${url.pathname}`);
    const parts = url.pathname
      .slice(API_PREFIX.length + 1)
      .split('/')
      .map(decodeSegment);
    const wrongMethod = (): never => {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`);
    };

    if (parts.length === 1 && parts[0] === 'ping') {
      if (method !== 'GET') wrongMethod();
      return send(res, 200, { ok: true, agent: 'eds-agent', ...options.info() } satisfies PingResponse);
    }
    if (parts[0] !== 'components') throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${url.pathname}`);
    if (parts.length === 1) {
      if (method !== 'GET') wrongMethod();
      return send(res, 200, { components: agent.components() });
    }
    const component = parseInput(componentNameSchema, parts[1], 'path.component');

    if (parts.length === 2) {
      if (method !== 'DELETE') wrongMethod();
      await agent.removeComponent(component);
      return send(res, 200, { removed: true });
    }
    if (parts.length === 3 && parts[2] === 'traffic') {
      if (method === 'GET') {
        const state = agent.traffic(component);
        if (!state) throw new NotFoundError(`component ${component} is not deployed on this agent`);
        return send(res, 200, state);
      }
      if (method !== 'PUT') wrongMethod();
      const body = parseInput(trafficBodySchema, await readBody(req));
      return send(res, 200, await agent.setTraffic(component, body.weights, body.matches));
    }
    if (parts.length === 3 && parts[2] === 'switch') {
      if (method !== 'POST') wrongMethod();
      const body = parseInput(switchBodySchema, await readBody(req));
      return send(res, 200, await agent.switchTo(component, body.version));
    }
    if (parts[2] !== 'versions' || parts.length < 4 || parts.length > 5) {
      throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${url.pathname}`);
    }
    const version = parseInput(versionNameSchema, parts[3], 'path.version');

    if (parts.length === 5) {
      if (method !== 'GET') wrongMethod();
      if (parts[4] === 'metrics') {
        const query = parseInput(metricsQuerySchema, Object.fromEntries(url.searchParams), 'query');
        return send(res, 200, agent.metrics(component, version, query.windowMs));
      }
      if (parts[4] === 'urls') {
        const urls = agent.directUrls(component, version);
        if (!urls) throw new NotFoundError(`version ${version} of ${component} is not deployed`);
        return send(res, 200, { urls });
      }
      throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${url.pathname}`);
    }
    switch (method) {
      case 'GET': {
        const status = agent.health(component, version);
        if (!status) throw new NotFoundError(`version ${version} of ${component} is not deployed`);
        return send(res, 200, status);
      }
      case 'PUT': {
        const body = parseInput(deployBodySchema, await readBody(req));
        return send(res, 200, await agent.deploy(component, version, body));
      }
      case 'PATCH': {
        const body = parseInput(scaleBodySchema, await readBody(req));
        return send(res, 200, await agent.scale(component, version, body.instances));
      }
      case 'DELETE':
        await agent.remove(component, version);
        return send(res, 200, { removed: true });
      default:
        wrongMethod();
    }
  }

  const server = http.createServer((req, res) => {
    if (!tokenMatches(req.headers.authorization, token)) {
      req.resume();
      res.setHeader('www-authenticate', 'Bearer realm="eds-agent"');
      send(res, 401, {
        error: { code: 'UNAUTHORIZED', exitCode: 2, message: 'missing or wrong agent token' },
      } satisfies ApiErrorBody);
      return;
    }
    route(req, res).catch((raw: unknown) => {
      const error = toEdsError(raw);
      const status = statusOf(error);
      if (status >= 500)
        logger.error('control request failed', { method: req.method, path: req.url, error: error.message });
      if (!res.headersSent) {
        const body: ApiErrorBody = {
          error: { code: error.code, exitCode: error.exitCode, message: error.message },
        };
        if (error.location.path !== undefined) body.error.path = error.location.path;
        if (error.location.expected !== undefined) body.error.expected = error.location.expected;
        send(res, status, body);
      } else {
        res.destroy();
      }
    });
    if (req.method !== 'GET') {
      res.on('finish', () =>
        logger.info('control', { method: req.method, path: req.url, status: res.statusCode }),
      );
    }
  });
  return server;
}
