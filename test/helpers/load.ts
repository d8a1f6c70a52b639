import http from 'node:http';

/** Keep-alive traffic to a URL until stopped, so analysis has requests to measure; counts answers by x-version. */
export function startLoad(url: string): () => Promise<Record<string, number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  const seen: Record<string, number> = {};
  let stop = false;
  const until = Date.now() + 60_000;
  const worker = async () => {
    while (!stop && Date.now() < until) {
      await new Promise<void>((resolve) => {
        http
          .get(url, { agent }, (res) => {
            const version = String(res.headers['x-version'] ?? '?');
            seen[version] = (seen[version] ?? 0) + 1;
            res.resume();
            res.on('end', () => resolve());
          })
          .on('error', () => setTimeout(resolve, 20));
      });
    }
  };
  const workers = Array.from({ length: 6 }, worker);
  return async () => {
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    return seen;
  };
}
