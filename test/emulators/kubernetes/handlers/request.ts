/** What a verb handler receives about the HTTP request. */
import type http from 'node:http';
import { badRequest } from '../errors.js';
import type { ResourceTarget } from '../routes.js';

export interface ApiRequest {
  target: ResourceTarget;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Media type of the body, without parameters. */
  contentType: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  /** Sent as `Warning: 299 - "…"` headers (kubectl prints them as `Warning: …`). */
  warnings?: string[];
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values)
    if (value !== 'All') throw badRequest(`Invalid dry run value: ${JSON.stringify(value)}`);
  return values.length > 0;
}

/** `fieldManager`, or the first word of the User-Agent, as the API server defaults it. */
export function fieldManager(request: ApiRequest): string {
  const explicit = request.query.get('fieldManager');
  if (explicit) {
    if (explicit.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return explicit;
  }
  const agent = String(request.headers['user-agent'] ?? 'unknown');
  return agent.split('/')[0] || 'unknown';
}
