import { redact } from '../../secrets/index.js';
import { ProviderError, type MeasureRequest } from './provider.js';

/** Show where a request went without its query string or credentials: both often carry tokens. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return redact(`${parsed.origin}${parsed.pathname}`);
  } catch {
    return '(invalid URL)';
  }
}

/** `http:` or `https:` URL check shared by the HTTP-based providers; returns a problem or undefined. */
export function checkHttpUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: ${JSON.stringify(redact(url))}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `expected an http(s) URL, got ${parsed.protocol}`;
  return undefined;
}

const MAX_BODY_CHARS = 1_000_000;

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:1`: undici hides the useful part in `cause`. */
function describeFetchError(error: unknown): string {
  const message = (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string'
      ? value.message
      : undefined;
  const cause =
    typeof error === 'object' && error !== null && 'cause' in error ? message(error.cause) : undefined;
  const own = message(error) ?? String(error);
  return cause === undefined ? own : `${own}: ${cause}`;
}

export interface FetchedJson {
  status: number;
  ok: boolean;
  /** Parsed body, or undefined when it was not JSON. */
  json: unknown;
  /** Start of the raw body, for messages (redacted). */
  snippet: string;
}

/**
 * GET a URL and parse its JSON body, within the measurement's timeout and abort signal. Network failures and
 * timeouts become ProviderErrors (counted against consecutiveErrorLimit).
 */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  request: MeasureRequest,
): Promise<FetchedJson> {
  const doFetch = request.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...headers },
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal.aborted) throw error;
    // Checked on the signal, not the error: fetch errors may come from another realm (instanceof fails).
    const reason = timeout.aborted ? `no answer within ${request.timeoutMs}ms` : describeFetchError(error);
    throw new ProviderError(redact(`GET ${describeUrl(url)} failed: ${reason}`), { cause: error });
  }
  if (text.length > MAX_BODY_CHARS) {
    throw new ProviderError(`GET ${describeUrl(url)}: response larger than ${MAX_BODY_CHARS} characters`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: response.status, ok: response.ok, json, snippet: redact(text.slice(0, 200)) };
}

/** A JSON value as a number: numbers, numeric strings (Prometheus sends "0.5") and booleans (true = 1). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim();
    if (trimmed === 'NaN') return Number.NaN;
    if (trimmed === '+Inf' || trimmed === 'Inf') return Number.POSITIVE_INFINITY;
    if (trimmed === '-Inf') return Number.NEGATIVE_INFINITY;
    const n = Number(trimmed);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}
