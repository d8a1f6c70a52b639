/** Small HTTP helpers: bodies in, JSON out, and the media types the API negotiates. */
import type http from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './errors.js';

/** The API server refuses request bodies over 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased: `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** Parse a JSON (or, for YAML media types, YAML) request body. */
export function parseBody(body: Buffer, contentType: string): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest("Object 'Kind' is missing in ''");
  const yaml = contentType.includes('yaml');
  try {
    return yaml ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw badRequest(
      yaml
        ? `error converting YAML to JSON: yaml: ${reason}`
        : `couldn't get version/kind; json parse error: ${reason}`,
    );
  }
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  warnings: string[] = [],
): void {
  const text = JSON.stringify(body);
  if (warnings.length > 0)
    res.setHeader(
      'warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache, private',
    'audit-id': 'emulator',
    'x-kubernetes-pf-flowschema-uid': 'emulator',
    'x-kubernetes-pf-prioritylevel-uid': 'emulator',
  });
  res.end(text);
}

export function sendError(res: http.ServerResponse, error: ApiError): void {
  sendJson(res, error.code, error.toStatus());
}

/** Whether the client asked for a server-side `Table` (kubectl get does, `-o json` does not). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
