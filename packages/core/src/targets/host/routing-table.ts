import type { IncomingMessage } from 'node:http';
import type { TrafficMatch, TrafficWeights } from '../target.js';
import { readCookie } from './cookies.js';
import type { SlidingMetrics } from './sliding-metrics.js';
import type { Upstream } from './upstream.js';

/** A version's share of the traffic: its healthy upstreams, used round-robin, and where its metrics go. */
export class VersionRoute {
  readonly version: string;
  readonly upstreams: readonly Upstream[];
  readonly metrics: SlidingMetrics;
  #next = 0;

  constructor(version: string, upstreams: readonly Upstream[], metrics: SlidingMetrics) {
    this.version = version;
    this.upstreams = upstreams;
    this.metrics = metrics;
  }

  /** Round-robin; `skip` lets a retry avoid the upstream that just failed when there is another. */
  nextUpstream(skip?: Upstream): Upstream {
    const count = this.upstreams.length;
    let upstream = this.upstreams[this.#next++ % count];
    if (upstream === skip && count > 1) upstream = this.upstreams[this.#next++ % count];
    if (this.#next > 1e9) this.#next = 0;
    return upstream;
  }
}

interface CompiledMatch {
  header?: { name: string; value: string };
  cookie?: { name: string; value: string };
  route: VersionRoute;
}

export interface RoutingInput {
  weights: TrafficWeights;
  matches: readonly TrafficMatch[];
  /** Healthy, non-draining upstreams per version. */
  upstreams: ReadonlyMap<string, readonly Upstream[]>;
  metricsFor: (version: string) => SlidingMetrics;
}

/**
 * An immutable snapshot of where a component's requests go. The router holds one reference and swaps it
 * whole on every change (weights, switch, an instance turning healthy or leaving), so a request sees either
 * the old table or the new one, never a mix: that is what makes weight changes and switches atomic.
 *
 * Everything the hot path needs is computed here, once: match rules resolved to routes, versions without a
 * healthy instance dropped (their share goes to the others, in proportion, rather than failing requests),
 * cumulative weights for a single random draw.
 */
export class RoutingTable {
  readonly #matches: CompiledMatch[];
  readonly #routes: VersionRoute[];
  readonly #cumulative: number[];
  readonly #total: number;

  constructor(input: RoutingInput) {
    const routes = new Map<string, VersionRoute>();
    const routeOf = (version: string): VersionRoute | undefined => {
      const existing = routes.get(version);
      if (existing) return existing;
      const upstreams = input.upstreams.get(version);
      if (!upstreams || upstreams.length === 0) return undefined;
      const route = new VersionRoute(version, upstreams, input.metricsFor(version));
      routes.set(version, route);
      return route;
    };
    this.#matches = [];
    for (const match of input.matches) {
      const route = routeOf(match.version);
      if (!route) continue;
      if (match.header) {
        this.#matches.push({
          header: { name: match.header.name.toLowerCase(), value: match.header.value },
          route,
        });
      } else if (match.cookie) {
        this.#matches.push({ cookie: match.cookie, route });
      }
    }
    this.#routes = [];
    this.#cumulative = [];
    let total = 0;
    for (const [version, weight] of Object.entries(input.weights)) {
      if (!(weight > 0)) continue;
      const route = routeOf(version);
      if (!route) continue;
      total += weight;
      this.#routes.push(route);
      this.#cumulative.push(total);
    }
    this.#total = total;
  }

  static empty(): RoutingTable {
    return new RoutingTable({
      weights: {},
      matches: [],
      upstreams: new Map(),
      metricsFor: () => undefined as never,
    });
  }

  /** The version route a request goes to, or undefined when no version has a healthy instance. */
  pick(req: IncomingMessage): VersionRoute | undefined {
    for (const match of this.#matches) {
      if (match.header) {
        const got = req.headers[match.header.name];
        if (got === match.header.value || (Array.isArray(got) && got.includes(match.header.value)))
          return match.route;
      } else if (match.cookie && readCookie(req.headers.cookie, match.cookie.name) === match.cookie.value) {
        return match.route;
      }
    }
    const routes = this.#routes;
    if (routes.length <= 1) return routes[0];
    const draw = Math.random() * this.#total;
    for (let i = 0; i < routes.length; i++) if (draw < this.#cumulative[i]) return routes[i];
    return routes[routes.length - 1];
  }

  /** Versions that currently receive weighted traffic (for status and tests). */
  get versions(): string[] {
    return this.#routes.map((route) => route.version);
  }
}
