import http from 'node:http';
import { readRecords } from './records.js';

export interface Load {
  /** Stop and return the answers seen, by `x-version` (and `error` for failed connections). */
  stop(): Promise<Record<string, number>>;
}

/**
 * Paced traffic to an environment of a file store, whatever deployment or front end created its router: the
 * endpoint is read from the newest record that has one, so load can start before the first deployment exists.
 * `perSecond` requests a second at most, over a few keep-alive connections.
 */
export function loadEnvironment(
  state: string,
  application: string,
  environment: string,
  perSecond = 100,
): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const seen: Record<string, number> = {};
  let stopped = false;
  const until = Date.now() + 120_000;
  const endpoint = (): string | undefined => {
    let all;
    try {
      all = readRecords(state, application);
    } catch {
      return undefined; // a record directory between its creation and its first revision: look again
    }
    const records = all.filter((r) => (r.deployment as { environment?: string }).environment === environment);
    for (const record of records.reverse()) {
      const url = (record.progress as { endpoints?: Record<string, string> }).endpoints?.web;
      if (url) return url;
    }
    return undefined;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const get = (url: string) =>
    new Promise<void>((resolve) => {
      http
        .get(url, { agent }, (res) => {
          const version = String(res.headers['x-version'] ?? res.statusCode);
          seen[version] = (seen[version] ?? 0) + 1;
          res.resume();
          res.on('end', () => resolve());
        })
        .on('error', () => {
          seen.error = (seen.error ?? 0) + 1;
          setTimeout(resolve, 50);
        });
    });
  const workers = 8;
  const gap = (1000 * workers) / perSecond;
  const worker = async () => {
    let url: string | undefined;
    while (!stopped && Date.now() < until) {
      url ??= endpoint();
      if (!url) {
        await sleep(150);
        continue;
      }
      const started = Date.now();
      await get(`${url}/`);
      await sleep(Math.max(0, gap - (Date.now() - started)));
    }
  };
  const running = Promise.all(Array.from({ length: workers }, worker));
  return {
    async stop() {
      stopped = true;
      await running;
      agent.destroy();
      return seen;
    },
  };
}
