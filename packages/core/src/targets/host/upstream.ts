import http from 'node:http';

/**
 * One instance as the router sees it: where to send requests, a keep-alive connection pool of its own (so a
 * drained instance's idle sockets can be closed without touching the others), and its in-flight count, which
 * is what draining waits on.
 */
export class Upstream {
  readonly id: string;
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly agent: http.Agent;
  inflight = 0;
  #draining = false;
  #onIdle: (() => void) | undefined;

  constructor(id: string, version: string, host: string, port: number) {
    this.id = id;
    this.version = version;
    this.host = host;
    this.port = port;
    // LIFO keeps a few hot sockets busy and lets the rest idle out; the pool is per instance, see above.
    // noDelay: a proxied answer is written in pieces (head, body, end); Nagle would hold them back.
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: 512,
      maxFreeSockets: 64,
      scheduling: 'lifo',
      noDelay: true,
    });
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Called by the router when a request it sent here has finished (answered, failed or aborted). */
  release(): void {
    this.inflight--;
    if (this.inflight === 0 && this.#onIdle) this.#onIdle();
  }

  /**
   * Resolve once no request is in flight here. The caller has already taken the upstream out of the routing
   * table, so the count can only go down. Gives up after `timeoutMs` (a stuck request must not block a stop).
   */
  drain(timeoutMs: number): Promise<boolean> {
    this.#draining = true;
    if (this.inflight <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#onIdle = undefined;
        resolve(false);
      }, timeoutMs);
      this.#onIdle = () => {
        clearTimeout(timer);
        this.#onIdle = undefined;
        resolve(true);
      };
    });
  }

  /** Close pooled connections (after a drain, or when the process behind them died). */
  closeConnections(): void {
    this.agent.destroy();
  }
}
