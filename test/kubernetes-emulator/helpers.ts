/** Shared by the emulator's tests: run the real kubectl, call the API over HTTP, read watch streams. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { KubernetesEmulator } from '../emulators/kubernetes/index.js';

/** Absolute path of kubectl, or undefined (the kubectl suite is then skipped with a notice). */
export function findKubectl(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  const location = found.stdout.trim();
  if (found.status !== 0 || location === '') return undefined;
  // The binary must run (a dispatcher without its payload would not).
  const version = spawnSync(location, ['version', '--client', '-o', 'json'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return version.status === 0 ? location : undefined;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function makeKubectl(kubectlPath: string, emulator: KubernetesEmulator) {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kubectl-cache-'));
  return (args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        kubectlPath,
        [`--kubeconfig=${emulator.kubeconfigPath}`, `--cache-dir=${cacheDir}`, ...args],
        {
          env: { ...process.env, KUBECONFIG: emulator.kubeconfigPath },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
}

/** Write a manifest to a temp file (kubectl -f). */
export function manifestFile(content: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'manifest.yaml');
  writeFileSync(file, content);
  return file;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  text: string;
}

/** One API request; the JSON answer parsed (an empty object when the body is not JSON). */
export function api(
  emulator: KubernetesEmulator,
  method: string,
  urlPath: string,
  body?: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      `${emulator.url}${urlPath}`,
      {
        method,
        headers: {
          authorization: `Bearer ${emulator.token}`,
          // Node sends DELETE bodies unframed unless told their length.
          ...(payload !== undefined
            ? { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface WatchEvent {
  type: string;
  object: Record<string, unknown> & {
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
}

export interface WatchStream {
  events: WatchEvent[];
  status: number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Wait until `predicate` holds for the events so far. */
  until(predicate: (events: WatchEvent[]) => boolean, timeoutMs?: number): Promise<WatchEvent[]>;
  close(): void;
}

/** Open a watch (the `watch=1` query is added) and collect its JSON-line events. */
export function openWatch(emulator: KubernetesEmulator, urlPath: string): Promise<WatchStream> {
  const separator = urlPath.includes('?') ? '&' : '?';
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    const waiters = new Set<() => void>();
    let endResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endResolve = r));
    const req = http.get(
      `${emulator.url}${urlPath}${separator}watch=1`,
      { headers: { authorization: `Bearer ${emulator.token}` } },
      (res) => {
        let buffer = '';
        res.on('data', (d: Buffer) => {
          buffer += d.toString();
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim() !== '') events.push(JSON.parse(line) as WatchEvent);
          }
          for (const waiter of [...waiters]) waiter();
        });
        res.on('end', () => endResolve());
        res.on('close', () => endResolve());
        resolve({
          events,
          status: res.statusCode ?? 0,
          ended,
          close: () => req.destroy(),
          until: (predicate, timeoutMs = 10_000) =>
            new Promise((ok, fail) => {
              const check = (): void => {
                if (predicate(events)) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  ok(events);
                }
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(
                  new Error(
                    `watch condition not met in ${timeoutMs} ms; events: ${JSON.stringify(events.map((e) => [e.type, e.object.metadata?.name]))}`,
                  ),
                );
              }, timeoutMs);
              waiters.add(check);
              check();
            }),
        });
      },
    );
    req.on('error', (error) => {
      if (events.length === 0) reject(error);
    });
  });
}

export function deploymentManifest(
  name: string,
  image: string,
  extra: { replicas?: number; progressDeadlineSeconds?: number; namespace?: string } = {},
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${extra.namespace ?? 'default'}
  labels: { app: ${name} }
spec:
  replicas: ${extra.replicas ?? 2}
${extra.progressDeadlineSeconds !== undefined ? `  progressDeadlineSeconds: ${extra.progressDeadlineSeconds}\n` : ''}  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ containerPort: 8080 }]
`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `read` until `accept` holds (for state the controllers reach asynchronously). */
export async function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await sleep(25);
    last = await read();
  }
  return last;
}
