/**
 * A local stand-in for the GitHub REST endpoints EDS uses — Deployments and Deployment statuses — as GitHub
 * documents them (docs.github.com/rest/deployments): status codes, validation errors, newest-first lists
 * with `per_page`/`page` and `Link` headers, rate-limit headers, `auto_inactive`, and the 409 GitHub answers
 * when `required_contexts` is left to default while a commit status check fails. Faults (5xx, rate limits)
 * can be injected; every request is recorded so tests assert payloads and the order of statuses.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

export interface EmulatedDeployment {
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  url: string;
  transient_environment: boolean;
  production_environment: boolean;
}

export interface EmulatedStatus {
  id: number;
  node_id: string;
  state: string;
  creator: { login: string; id: number; type: string };
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
  url: string;
}

export interface Fault {
  status: number;
  /** Extra response headers (e.g. `retry-after`, `x-ratelimit-remaining`). */
  headers?: Record<string, string>;
  message?: string;
  /** Only requests whose `METHOD path` matches (default: any). */
  match?: RegExp;
}

export interface GithubEmulatorOptions {
  token?: string;
  /** Requests allowed per window before the documented primary rate-limit 403. */
  rateLimit?: number;
  /** Commit status contexts that fail, so a deployment that does not bypass them gets 409. */
  failingContexts?: string[];
}

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

export class GithubEmulator {
  readonly requests: RecordedRequest[] = [];
  readonly deployments: EmulatedDeployment[] = [];
  readonly statuses = new Map<number, EmulatedStatus[]>();
  readonly #faults: Fault[] = [];
  #server: http.Server | undefined;
  #nextId = 1000;
  #used = 0;
  url = '';

  constructor(readonly options: GithubEmulatorOptions = {}) {}

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** The next matching request answers with this fault (queue several for several requests). */
  fail(fault: Fault): void {
    this.#faults.push(fault);
  }

  /** Statuses of a deployment in the order they were created (the API lists newest first). */
  statesOf(deploymentId: number): string[] {
    return (this.statuses.get(deploymentId) ?? []).map((s) => s.state);
  }

  #send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const limit = this.options.rateLimit ?? 5000;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - this.#used)),
      'x-ratelimit-used': String(this.#used),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...headers,
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  #error(
    res: http.ServerResponse,
    status: number,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): void {
    this.#send(
      res,
      status,
      {
        message,
        documentation_url: 'https://docs.github.com/rest/deployments',
        status: String(status),
        ...extra,
      },
      headers,
    );
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    if (text) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return this.#error(res, 400, 'Problems parsing JSON');
      }
    }
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    });

    const faultAt = this.#faults.findIndex((f) => !f.match || f.match.test(`${method} ${url.pathname}`));
    if (faultAt >= 0) {
      const [fault] = this.#faults.splice(faultAt, 1);
      if (fault)
        return this.#error(
          res,
          fault.status,
          fault.message ?? http.STATUS_CODES[fault.status] ?? 'error',
          {},
          fault.headers,
        );
    }
    const token = this.options.token;
    if (
      token !== undefined &&
      req.headers.authorization !== `token ${token}` &&
      req.headers.authorization !== `Bearer ${token}`
    ) {
      return this.#error(res, 401, 'Bad credentials');
    }
    this.#used++;
    if (this.#used > (this.options.rateLimit ?? 5000)) {
      return this.#error(
        res,
        403,
        'API rate limit exceeded for installation.',
        {},
        { 'x-ratelimit-remaining': '0' },
      );
    }

    const m = /^\/repos\/([^/]+)\/([^/]+)\/deployments(?:\/(\d+)(\/statuses)?)?\/?$/.exec(url.pathname);
    if (!m) return this.#error(res, 404, 'Not Found');
    const [, owner, repo, idText, statuses] = m;
    const repoUrl = `${this.url}/repos/${owner}/${repo}`;
    if (!idText && method === 'POST') return this.#createDeployment(res, repoUrl, body ?? {});
    if (!idText && method === 'GET') return this.#list(res, url, this.#filteredDeployments(url));
    const deployment = this.deployments.find((d) => d.id === Number(idText));
    if (!deployment) return this.#error(res, 404, 'Not Found');
    if (!statuses && method === 'GET') return this.#send(res, 200, deployment);
    if (statuses && method === 'GET')
      return this.#list(res, url, [...(this.statuses.get(deployment.id) ?? [])].reverse());
    if (statuses && method === 'POST') return this.#createStatus(res, repoUrl, deployment, body ?? {});
    return this.#error(res, 404, 'Not Found');
  }

  #filteredDeployments(url: URL): EmulatedDeployment[] {
    const q = url.searchParams;
    return [...this.deployments]
      .reverse()
      .filter(
        (d) =>
          (!q.get('sha') || d.sha === q.get('sha')) &&
          (!q.get('ref') || d.ref === q.get('ref')) &&
          (!q.get('task') || d.task === q.get('task')) &&
          (!q.get('environment') || d.environment === q.get('environment')),
      );
  }

  /** Newest first, `per_page` (default 30, max 100) and `page`, with a `Link` header as GitHub sends it. */
  #list(res: http.ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const next = new URL(url);
      next.searchParams.set('page', String(p));
      next.searchParams.set('per_page', String(perPage));
      return `<${next.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    this.#send(
      res,
      200,
      items.slice((page - 1) * perPage, page * perPage),
      links.length ? { link: links.join(', ') } : {},
    );
  }

  #createDeployment(res: http.ServerResponse, repoUrl: string, body: Record<string, unknown>): void {
    const ref = body.ref;
    if (typeof ref !== 'string' || ref === '') {
      return this.#error(res, 422, 'Invalid request.\n\n"ref" wasn\'t supplied.');
    }
    if (body.required_contexts === undefined && this.options.failingContexts?.length) {
      return this.#error(res, 409, `Conflict: Commit status checks failed for ${ref}.`, {
        errors: this.options.failingContexts.map((context) => ({
          contexts: [{ context, state: 'failure' }],
          resource: 'Deployment',
          field: 'required_contexts',
          code: 'invalid',
        })),
      });
    }
    if (body.required_contexts !== undefined && !Array.isArray(body.required_contexts)) {
      return this.#error(
        res,
        422,
        "Invalid request.\n\nFor 'properties/required_contexts', is not an array.",
      );
    }
    const now = new Date().toISOString();
    const id = this.#nextId++;
    const environment = typeof body.environment === 'string' ? body.environment : 'production';
    const deployment: EmulatedDeployment = {
      id,
      node_id: `DE_${id}`,
      sha: /^[0-9a-f]{40}$/.test(ref) ? ref : '0'.repeat(40),
      ref,
      task: typeof body.task === 'string' ? body.task : 'deploy',
      payload: (body.payload as Record<string, unknown> | string | undefined) ?? {},
      original_environment: environment,
      environment,
      description: typeof body.description === 'string' ? body.description : null,
      creator: BOT,
      created_at: now,
      updated_at: now,
      statuses_url: `${repoUrl}/deployments/${id}/statuses`,
      repository_url: repoUrl,
      url: `${repoUrl}/deployments/${id}`,
      transient_environment: body.transient_environment === true,
      production_environment:
        typeof body.production_environment === 'boolean'
          ? body.production_environment
          : environment === 'production',
    };
    this.deployments.push(deployment);
    this.statuses.set(id, []);
    this.#send(res, 201, deployment);
  }

  #createStatus(
    res: http.ServerResponse,
    repoUrl: string,
    deployment: EmulatedDeployment,
    body: Record<string, unknown>,
  ): void {
    const state = body.state;
    if (typeof state !== 'string' || !STATES.includes(state)) {
      return this.#error(res, 422, 'Validation Failed', {
        errors: [{ resource: 'DeploymentStatus', field: 'state', code: 'invalid' }],
      });
    }
    const description = typeof body.description === 'string' ? body.description : '';
    if (description.length > 140) {
      return this.#error(res, 422, 'Validation Failed', {
        errors: [
          {
            resource: 'DeploymentStatus',
            field: 'description',
            code: 'custom',
            message: 'description is too long (maximum is 140 characters)',
          },
        ],
      });
    }
    this.#addStatus(repoUrl, deployment, {
      state,
      description,
      log_url:
        typeof body.log_url === 'string'
          ? body.log_url
          : typeof body.target_url === 'string'
            ? body.target_url
            : '',
      environment_url: typeof body.environment_url === 'string' ? body.environment_url : '',
    });
    const created = this.statuses.get(deployment.id)?.at(-1);
    // auto_inactive (default true): prior non-transient, non-production deployments of the environment that
    // were successful get an inactive status when a new one succeeds.
    if (state === 'success' && body.auto_inactive !== false) {
      for (const older of this.deployments) {
        if (older.id === deployment.id || older.environment !== deployment.environment) continue;
        if (older.transient_environment || older.production_environment) continue;
        if (this.statuses.get(older.id)?.at(-1)?.state !== 'success') continue;
        this.#addStatus(repoUrl, older, {
          state: 'inactive',
          description: '',
          log_url: '',
          environment_url: '',
        });
      }
    }
    this.#send(res, 201, created);
  }

  #addStatus(
    repoUrl: string,
    deployment: EmulatedDeployment,
    fields: { state: string; description: string; log_url: string; environment_url: string },
  ): void {
    const now = new Date().toISOString();
    const id = this.#nextId++;
    this.statuses.get(deployment.id)?.push({
      id,
      node_id: `DES_${id}`,
      ...fields,
      target_url: fields.log_url,
      creator: BOT,
      environment: deployment.environment,
      created_at: now,
      updated_at: now,
      deployment_url: deployment.url,
      repository_url: repoUrl,
      url: `${deployment.url}/statuses/${id}`,
    });
  }
}

export async function startGithubEmulator(options: GithubEmulatorOptions = {}): Promise<GithubEmulator> {
  return new GithubEmulator(options).start();
}
