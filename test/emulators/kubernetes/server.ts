/**
 * The Kubernetes API emulator: node:http on 127.0.0.1, plain HTTP, bearer-token auth, the REST API
 * for the kinds in resources.ts, and the controllers that make Deployments, ReplicaSets, Pods and Jobs
 * behave. `startEmulator()` is the entry point for tests; main.ts runs it as a standalone process.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorSettings, ForbiddenRule, HandlerContext } from './context.js';
import { ControllerManager } from './controllers/manager.js';
import { SERVER_VERSION, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import {
  ApiError,
  forbidden,
  internalError,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from './errors.js';
import { handleGet, handleList } from './handlers/read.js';
import type { ApiRequest, ApiResponse } from './handlers/request.js';
import { handlePatch } from './handlers/patch.js';
import { handleScale } from './handlers/scale.js';
import { handleCreate, handleDelete, handleUpdate } from './handlers/write.js';
import type { OpenWatch } from './handlers/watch.js';
import { serveWatch } from './handlers/watch.js';
import { mediaType, readBody, sendError, sendJson } from './http-util.js';
import { writeKubeconfig } from './kubeconfig.js';
import { openApiFor, openApiRoot } from './openapi.js';
import { mustFindByKind } from './resources.js';
import type { ResourceTarget } from './routes.js';
import { matchResourcePath } from './routes.js';
import { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export interface EmulatorOptions extends Partial<Omit<EmulatorSettings, 'forbidden'>> {
  /** Requests answered with 403 Forbidden (can be changed later with `setForbidden`). */
  forbidden?: ForbiddenRule[];
  /** Namespaces to create at start, besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** Port to listen on (0: any free port). */
  port?: number;
  /** Where to write the kubeconfig (default: a new temporary directory). */
  kubeconfigPath?: string;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Expired. */
  watchHistory?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
  userAgent: string;
  /** `watch` for watch requests, else the verb the API server would authorise. */
  verb: string;
  status: number;
}

/** Something the emulated kubelet/controllers did, for tests and benchmarks that need exact times. */
export interface PodReadyEvent {
  namespace: string;
  name: string;
  /** `Date.now()` when the pod was marked Ready. */
  at: number;
}

export interface KubernetesEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** A kubeconfig file (current context points at the emulator, namespace `default`). */
  kubeconfigPath: string;
  token: string;
  /** Every API request, in order. */
  requests: RecordedRequest[];
  store: ObjectStore;
  /** Emits `pod-ready` (PodReadyEvent). */
  events: EventEmitter;
  setForbidden(rules: ForbiddenRule[]): void;
  /** Read an object directly (undefined when absent). `apiVersion` like `apps/v1`. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** List objects directly (all namespaces when `namespace` is undefined). */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Stop controllers, end open watches, close the server. */
  close(): Promise<void>;
}

const DEFAULT_SETTINGS: Omit<EmulatorSettings, 'forbidden'> = {
  readyDelayMs: 300,
  slowReadyDelayMs: 20_000,
  crashLoopIntervalMs: 500,
  jobRunMs: 300,
  bookmarkIntervalMs: 1_000,
  token: 'eds-emulator-token',
  user: 'system:serviceaccount:eds:deployer',
};

function verbOf(method: string, target: ResourceTarget, query: URLSearchParams): string {
  const watch = ['1', 'true'].includes(query.get('watch') ?? '');
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return target.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return target.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function isForbidden(rules: ForbiddenRule[], verb: string, target: ResourceTarget): boolean {
  const resource = target.subresource ? `${target.rt.plural}/${target.subresource}` : target.rt.plural;
  return rules.some(
    (rule) =>
      (rule.verb === '*' || rule.verb === verb) &&
      (rule.resource === '*' || rule.resource === resource) &&
      (rule.namespace === undefined || rule.namespace === target.namespace),
  );
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<KubernetesEmulator> {
  const overrides = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<EmulatorSettings>;
  const settings: EmulatorSettings = {
    ...DEFAULT_SETTINGS,
    ...overrides,
    forbidden: options.forbidden ?? [],
  };
  const store = new ObjectStore(options.watchHistory ?? 20_000);
  let nextIP = 10;
  const ctx: HandlerContext = {
    store,
    settings,
    defaulting: {
      allocateClusterIP: () => {
        const n = nextIP++;
        return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      },
    },
  };
  const events = new EventEmitter();
  const namespaceType = mustFindByKind('v1', 'Namespace');
  for (const name of [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...(options.namespaces ?? []),
  ]) {
    if (!store.get(namespaceType, undefined, name)) {
      store.create(namespaceType, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: '', resourceVersion: '', creationTimestamp: '' },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  }
  const controllers = new ControllerManager(ctx, events);
  const requests: RecordedRequest[] = [];
  const watches = new Set<OpenWatch>();
  let serverAddress = '127.0.0.1';

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      contentType: mediaType(req.headers['content-type']),
      userAgent: String(req.headers['user-agent'] ?? ''),
      verb: '',
      status: 0,
    };
    requests.push(record);
    const fail = (error: unknown): void => {
      const apiError =
        error instanceof ApiError
          ? error
          : internalError(error instanceof Error ? error.message : String(error));
      record.status = apiError.code;
      if (res.headersSent) {
        res.end();
        return;
      }
      sendError(res, apiError);
    };
    const reply = (response: ApiResponse): void => {
      record.status = response.status;
      sendJson(res, response.status, response.body, response.warnings);
    };
    void (async () => {
      // client-go (kubectl) never sends a bearer token over plain HTTP, so a request without
      // credentials is let in; a wrong token is refused as the API server refuses it.
      const auth = req.headers.authorization;
      if (auth !== undefined && auth !== `Bearer ${settings.token}`) throw unauthorized();
      const discovery = discoveryDocument(url.pathname, serverAddress);
      if (discovery !== undefined) {
        reply({ status: 200, body: discovery });
        return;
      }
      const route = matchResourcePath(url.pathname);
      if (route.kind !== 'resource') throw pathNotFound();
      const { target } = route;
      const verb = verbOf(method, target, url.searchParams);
      record.verb = verb;
      if (isForbidden(settings.forbidden, verb, target)) {
        throw forbidden(
          {
            group: target.rt.group,
            resource: target.subresource ? `${target.rt.plural}/${target.subresource}` : target.rt.plural,
          },
          target.name,
          settings.user,
          verb,
          target.namespace,
        );
      }
      const body = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
      const request: ApiRequest = {
        target,
        query: url.searchParams,
        headers: req.headers,
        body,
        contentType: mediaType(req.headers['content-type']),
      };
      if (target.subresource === 'scale') {
        if (!['GET', 'PUT', 'PATCH'].includes(method)) throw methodNotAllowed();
        reply(handleScale(ctx, request, method));
        return;
      }
      if (verb === 'watch') {
        record.status = 200;
        const watch = serveWatch(ctx, request, res, () => watches.delete(watch));
        watches.add(watch);
        return;
      }
      switch (method) {
        case 'GET':
          reply(target.name ? handleGet(ctx, request) : handleList(ctx, request));
          return;
        case 'POST':
          if (target.subresource) throw methodNotAllowed();
          reply(handleCreate(ctx, request));
          return;
        case 'PUT':
          reply(handleUpdate(ctx, request));
          return;
        case 'PATCH':
          reply(handlePatch(ctx, request));
          return;
        case 'DELETE':
          if (target.subresource) throw methodNotAllowed();
          reply(handleDelete(ctx, request));
          return;
        default:
          throw methodNotAllowed();
      }
    })().catch(fail);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  serverAddress = `127.0.0.1:${port}`;
  const url = `http://127.0.0.1:${port}`;
  const kubeconfigPath = writeKubeconfig(url, settings.token, options.kubeconfigPath);
  controllers.start();

  return {
    url,
    kubeconfigPath,
    token: settings.token,
    requests,
    store,
    events,
    setForbidden(rules) {
      settings.forbidden = rules;
    },
    get(apiVersion, kind, namespace, name) {
      return store.get(mustFindByKind(apiVersion, kind), namespace, name);
    },
    list(apiVersion, kind, namespace) {
      return store.list(mustFindByKind(apiVersion, kind), namespace);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        controllers.stop();
        for (const watch of [...watches]) watch.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function discoveryDocument(pathname: string, serverAddress: string): unknown {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/version') return SERVER_VERSION;
  if (path === '/healthz' || path === '/readyz' || path === '/livez') return 'ok';
  if (path === '/api') return apiVersions(serverAddress);
  if (path === '/openapi/v3') return openApiRoot();
  if (path.startsWith('/openapi/v3/')) return openApiFor(path) ?? notFoundDocument();
  if (path === '/apis') return apiGroupList();
  const core = /^\/api\/([^/]+)$/.exec(path);
  if (core) return apiResourceList('', core[1]) ?? notFoundDocument();
  const group = /^\/apis\/([^/]+)$/.exec(path);
  if (group) return apiGroupDocument(group[1]) ?? notFoundDocument();
  const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (groupVersion) return apiResourceList(groupVersion[1], groupVersion[2]) ?? notFoundDocument();
  return undefined;
}

function notFoundDocument(): never {
  throw pathNotFound();
}
