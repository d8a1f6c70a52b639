/**
 * A HashiCorp Vault emulator for the KV version 2 read endpoint, as documented at
 * https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2#read-secret-version:
 *
 *   GET /v1/:mount/data/:path   X-Vault-Token: <token>
 *   200 { "request_id", "lease_id": "", "renewable": false, "lease_duration": 0,
 *         "data": { "data": { ...key/values }, "metadata": { created_time, custom_metadata, deletion_time,
 *                   destroyed, version } }, "wrap_info": null, "warnings": null, "auth": null }
 *   403 { "errors": ["permission denied"] }   (missing or wrong token)
 *   404 { "errors": [] }                       (no such secret, or its latest version is deleted)
 *
 * Only what EDS reads is implemented; every request is recorded so tests can check headers and paths.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VaultEmulatorOptions {
  /** The token that may read everything. */
  token: string;
  /** `mount/path` → key/values, e.g. `{ 'secret/hello/prod': { api_token: '…' } }`. */
  secrets: Record<string, Record<string, unknown>>;
  /** Paths (`mount/path`) the token may not read: answered with 403 as a Vault policy would. */
  denied?: string[];
}

export interface RecordedRequest {
  method: string;
  url: string;
  token: string | undefined;
  namespace: string | undefined;
}

export interface VaultEmulator {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startVaultEmulator(options: VaultEmulatorOptions): Promise<VaultEmulator> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const token = header('x-vault-token');
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      token,
      namespace: header('x-vault-namespace'),
    });
    const url = new URL(req.url ?? '/', 'http://vault.local');
    const match = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) return send(res, 404, { errors: [] });
    if (token !== options.token) return send(res, 403, { errors: ['permission denied'] });
    const key = `${decodeURIComponent(match[1])}/${match[2].split('/').map(decodeURIComponent).join('/')}`;
    if (options.denied?.includes(key))
      return send(res, 403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    const data = options.secrets[key];
    if (!data) return send(res, 404, { errors: [] });
    send(res, 200, {
      request_id: '00000000-0000-0000-0000-000000000000',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: {
        data,
        metadata: {
          created_time: '2024-01-01T00:00:00.000000Z',
          custom_metadata: null,
          deletion_time: '',
          destroyed: false,
          version: 1,
        },
      },
      wrap_info: null,
      warnings: null,
      auth: null,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
