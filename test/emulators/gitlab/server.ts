/**
 * A GitLab emulator for the REST endpoints the EDS mirror uses, as documented at
 * https://docs.gitlab.com/api/deployments/ and https://docs.gitlab.com/api/notes/#merge-requests:
 *
 *   GET  /api/v4/projects/:id/deployments?environment=&status=&order_by=&sort=&page=&per_page=
 *   GET  /api/v4/projects/:id/deployments/:deployment_id
 *   POST /api/v4/projects/:id/deployments            environment, sha, ref, tag, status (all required;
 *                                                     status one of running|success|failed|canceled) → 201
 *   PUT  /api/v4/projects/:id/deployments/:deployment_id   status (same four) → 200; 403 for deployments
 *                                                     made by a CI job ("deployable"), which only GitLab updates
 *   POST /api/v4/projects/:id/merge_requests/:merge_request_iid/notes   body (required) → 201
 *
 * Authentication: `PRIVATE-TOKEN` or `Authorization: Bearer` (access tokens), `JOB-TOKEN` (CI_JOB_TOKEN, which
 * GitLab accepts on the Deployments API but not on Notes). Errors have GitLab's shapes: 401
 * `{"message":"401 Unauthorized"}`, 404 `{"message":"404 Not found"}`, parameter errors
 * `{"error":"status does not have a valid value"}`, and an injected 500 `{"message":"500 Internal Server Error"}`.
 * `:id` is a numeric id or the URL-encoded path (`group%2Fproject`). Every request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEPLOYMENT_STATUSES = [
  'created',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
  'blocked',
];
const API_STATUSES = ['running', 'success', 'failed', 'canceled'];

export interface EmulatedProject {
  id: number;
  path: string;
  /** Open merge requests by iid. */
  mergeRequests: number[];
}

export interface EmulatedDeployment {
  id: number;
  iid: number;
  projectId: number;
  environment: string;
  sha: string;
  ref: string;
  tag: boolean;
  status: string;
  /** Set for deployments a CI job made; the API may not update those. */
  deployable: { id: number; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface EmulatedNote {
  id: number;
  projectId: number;
  mergeRequestIid: number;
  body: string;
  author: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  auth: 'private-token' | 'bearer' | 'job-token' | 'none';
  body: Record<string, unknown>;
  status: number;
}

export interface GitLabEmulatorOptions {
  project: EmulatedProject;
  /** Access tokens (PRIVATE-TOKEN / Bearer) → user name. */
  tokens: Record<string, string>;
  /** Valid CI_JOB_TOKEN values → user name of the job's user. */
  jobTokens?: Record<string, string>;
}

export interface GitLabEmulator {
  url: string;
  apiUrl: string;
  deployments: EmulatedDeployment[];
  notes: EmulatedNote[];
  requests: RecordedRequest[];
  /** Answer the next `count` requests with `status` (500 unless given), as an overloaded GitLab would. */
  failNext(count: number, status?: number): void;
  /** A deployment made by a CI job (a job with `environment:`), which the API can read but not update. */
  addJobDeployment(input: {
    environment: string;
    sha: string;
    ref: string;
    status: string;
  }): EmulatedDeployment;
  close(): Promise<void>;
}

type Auth = { kind: RecordedRequest['auth']; user: string | undefined };

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage, query: URLSearchParams): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  // GitLab takes parameters from the query string, a form body or a JSON body alike.
  const body: Record<string, unknown> = Object.fromEntries(query.entries());
  const type = String(req.headers['content-type'] ?? '');
  if (text && type.includes('application/json')) Object.assign(body, JSON.parse(text) as object);
  else if (text) Object.assign(body, Object.fromEntries(new URLSearchParams(text).entries()));
  return body;
}

/** Grape's validation messages: "<param> is missing", "<param> does not have a valid value", joined by ", ". */
function paramErrors(
  body: Record<string, unknown>,
  required: string[],
  values: Record<string, string[]>,
): string[] {
  const errors: string[] = [];
  for (const name of required) {
    if (body[name] === undefined || body[name] === '') errors.push(`${name} is missing`);
  }
  for (const [name, allowed] of Object.entries(values)) {
    const value = body[name];
    if (value !== undefined && value !== '' && !(typeof value === 'string' && allowed.includes(value)))
      errors.push(`${name} does not have a valid value`);
  }
  if (body.tag !== undefined && !['true', 'false', true, false].includes(body.tag as string | boolean))
    errors.push('tag is invalid');
  return errors;
}

/** Deployment state machine (app/models/deployment.rb): run from created/blocked; succeed/drop/cancel from any other state. */
function canTransition(from: string, to: string): boolean {
  if (to === 'running') return from === 'created' || from === 'blocked';
  return from !== to;
}

export async function startGitLabEmulator(options: GitLabEmulatorOptions): Promise<GitLabEmulator> {
  const { project } = options;
  const deployments: EmulatedDeployment[] = [];
  const notes: EmulatedNote[] = [];
  const requests: RecordedRequest[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let nextId = 100;

  const entity = (d: EmulatedDeployment) => ({
    id: d.id,
    iid: d.iid,
    ref: d.ref,
    sha: d.sha,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    status: d.status,
    user: { id: 1, username: 'eds-bot', name: 'EDS bot', state: 'active' },
    deployable: d.deployable,
    environment: { id: 1, name: d.environment, external_url: null, tier: 'other' },
    pending_approval_count: 0,
    approvals: [],
  });

  const authOf = (req: http.IncomingMessage): Auth => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const privateToken = header('private-token');
    if (privateToken !== undefined) return { kind: 'private-token', user: options.tokens[privateToken] };
    const bearer = /^Bearer (.+)$/.exec(header('authorization') ?? '')?.[1];
    if (bearer !== undefined) return { kind: 'bearer', user: options.tokens[bearer] };
    const jobToken = header('job-token');
    if (jobToken !== undefined) return { kind: 'job-token', user: options.jobTokens?.[jobToken] };
    return { kind: 'none', user: undefined };
  };

  const handle = async (
    req: http.IncomingMessage,
    auth: Auth,
    body: Record<string, unknown>,
    url: URL,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> => {
    const unauthorized = { status: 401, body: { message: '401 Unauthorized' } };
    if (!auth.user) return unauthorized;
    const match = /^\/api\/v4\/projects\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!match) return { status: 404, body: { error: '404 Not Found' } };
    const projectRef = decodeURIComponent(match[1] ?? '');
    if (projectRef !== String(project.id) && projectRef !== project.path)
      return { status: 404, body: { message: '404 Project Not Found' } };
    const rest = match[2] ?? '';
    const method = req.method ?? 'GET';

    const notesMatch = /^merge_requests\/(\d+)\/notes$/.exec(rest);
    if (notesMatch && method === 'POST') {
      // The Notes API is not among the endpoints a CI job token may call.
      if (auth.kind === 'job-token') return unauthorized;
      const iid = Number(notesMatch[1]);
      if (!project.mergeRequests.includes(iid)) return { status: 404, body: { message: '404 Not found' } };
      const errors = paramErrors(body, ['body'], {});
      if (errors.length) return { status: 400, body: { error: errors.join(', ') } };
      const note: EmulatedNote = {
        id: (nextId += 1),
        projectId: project.id,
        mergeRequestIid: iid,
        body: String(body.body),
        author: auth.user,
      };
      notes.push(note);
      const now = new Date().toISOString();
      return {
        status: 201,
        body: {
          id: note.id,
          type: null,
          body: note.body,
          attachment: null,
          author: { id: 1, username: auth.user, name: auth.user, state: 'active' },
          created_at: now,
          updated_at: now,
          system: false,
          noteable_id: 5000 + iid,
          noteable_type: 'MergeRequest',
          project_id: project.id,
          noteable_iid: iid,
          resolvable: false,
          confidential: false,
          internal: false,
        },
      };
    }

    if (rest === 'deployments' && method === 'GET') {
      let list = deployments.filter((d) => d.projectId === project.id);
      const environment = url.searchParams.get('environment');
      const status = url.searchParams.get('status');
      if (status && !DEPLOYMENT_STATUSES.includes(status))
        return { status: 400, body: { error: 'status does not have a valid value' } };
      if (environment) list = list.filter((d) => d.environment === environment);
      if (status) list = list.filter((d) => d.status === status);
      const orderBy = url.searchParams.get('order_by') ?? 'id';
      if (!['id', 'iid', 'created_at', 'updated_at', 'ref'].includes(orderBy))
        return { status: 400, body: { error: 'order_by does not have a valid value' } };
      const direction = url.searchParams.get('sort') === 'desc' ? -1 : 1;
      list = [...list].sort((a, b) => (a.id - b.id) * direction);
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20) || 20);
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const totalPages = Math.max(1, Math.ceil(list.length / perPage));
      return {
        status: 200,
        body: list.slice((page - 1) * perPage, page * perPage).map(entity),
        headers: {
          'x-total': String(list.length),
          'x-total-pages': String(totalPages),
          'x-per-page': String(perPage),
          'x-page': String(page),
          'x-next-page': page < totalPages ? String(page + 1) : '',
          'x-prev-page': page > 1 ? String(page - 1) : '',
        },
      };
    }

    if (rest === 'deployments' && method === 'POST') {
      const errors = paramErrors(body, ['environment', 'sha', 'ref', 'tag', 'status'], {
        status: API_STATUSES,
      });
      if (errors.length) return { status: 400, body: { error: errors.join(', ') } };
      const now = new Date().toISOString();
      const deployment: EmulatedDeployment = {
        id: (nextId += 1),
        iid: deployments.length + 1,
        projectId: project.id,
        environment: String(body.environment),
        sha: String(body.sha),
        ref: String(body.ref),
        tag: body.tag === true || body.tag === 'true',
        status: String(body.status),
        deployable: null,
        createdAt: now,
        updatedAt: now,
      };
      deployments.push(deployment);
      return { status: 201, body: entity(deployment) };
    }

    const one = /^deployments\/(\d+)$/.exec(rest);
    if (one) {
      const deployment = deployments.find((d) => d.id === Number(one[1]) && d.projectId === project.id);
      if (!deployment) return { status: 404, body: { message: '404 Not found' } };
      if (method === 'GET') return { status: 200, body: entity(deployment) };
      if (method === 'PUT') {
        const errors = paramErrors(body, ['status'], { status: API_STATUSES });
        if (errors.length) return { status: 400, body: { error: errors.join(', ') } };
        if (deployment.deployable)
          return {
            status: 403,
            body: {
              message: '403 Forbidden - Deployments created using GitLab CI can not be updated using the API',
            },
          };
        const to = String(body.status);
        if (!canTransition(deployment.status, to)) return { status: 400, body: { message: {} } };
        deployment.status = to;
        deployment.updatedAt = new Date().toISOString();
        return { status: 200, body: entity(deployment) };
      }
    }
    return { status: 404, body: { error: '404 Not Found' } };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gitlab.local');
    const auth = authOf(req);
    void readBody(req, url.searchParams)
      .then(async (body) => {
        let answer: { status: number; body: unknown; headers?: Record<string, string> };
        if (failures.count > 0) {
          failures = { ...failures, count: failures.count - 1 };
          answer = {
            status: failures.status,
            body: {
              message: `${failures.status} ${failures.status === 500 ? 'Internal Server Error' : 'Error'}`,
            },
          };
        } else {
          answer = await handle(req, auth, body, url);
        }
        requests.push({
          method: req.method ?? '',
          path: url.pathname,
          auth: auth.kind,
          body,
          status: answer.status,
        });
        send(res, answer.status, answer.body, answer.headers);
      })
      .catch(() => {
        requests.push({
          method: req.method ?? '',
          path: url.pathname,
          auth: auth.kind,
          body: {},
          status: 400,
        });
        send(res, 400, { error: 'the request body is not valid JSON' });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/v4`,
    deployments,
    notes,
    requests,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    addJobDeployment({ environment, sha, ref, status }) {
      const now = new Date().toISOString();
      const deployment: EmulatedDeployment = {
        id: (nextId += 1),
        iid: deployments.length + 1,
        projectId: project.id,
        environment,
        sha,
        ref,
        tag: false,
        status,
        deployable: { id: 7000 + nextId, name: 'deploy' },
        createdAt: now,
        updatedAt: now,
      };
      deployments.push(deployment);
      return deployment;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
