import { BUCKET_COUNT, bucketOf, quantileMs, toSparse, type SparseHistogram } from './latency-histogram.js';
import { MAX_WINDOW_MS } from './protocol.js';

/** One second per slot; the ring holds the longest window the API accepts, plus the current partial second. */
const SLOTS = MAX_WINDOW_MS / 1000 + 1;

export interface WindowSnapshot {
  windowMs: number;
  requests: number;
  errors5xx: number;
  errorRate: number;
  p50?: number;
  p95?: number;
  p99?: number;
  histogram: SparseHistogram;
}

/**
 * Request metrics of one version over sliding windows: a ring of one-second slots, each with a request count,
 * a 5xx count and a latency histogram. Recording touches one slot (O(1)); reading sums the slots of the window,
 * so the hot path never pays for the analysis that reads it.
 */
export class SlidingMetrics {
  readonly #slotSecond = new Float64Array(SLOTS).fill(-1);
  readonly #requests = new Uint32Array(SLOTS);
  readonly #errors = new Uint32Array(SLOTS);
  readonly #histograms = new Uint32Array(SLOTS * BUCKET_COUNT);
  readonly #now: () => number;
  totalRequests = 0;
  totalErrors = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Count one finished request: its status code and how long it took, in milliseconds. */
  record(status: number, latencyMs: number): void {
    const second = Math.floor(this.#now() / 1000);
    const slot = second % SLOTS;
    if (this.#slotSecond[slot] !== second) {
      this.#slotSecond[slot] = second;
      this.#requests[slot] = 0;
      this.#errors[slot] = 0;
      this.#histograms.fill(0, slot * BUCKET_COUNT, (slot + 1) * BUCKET_COUNT);
    }
    this.#requests[slot]++;
    this.totalRequests++;
    if (status >= 500) {
      this.#errors[slot]++;
      this.totalErrors++;
    }
    this.#histograms[slot * BUCKET_COUNT + bucketOf(latencyMs * 1000)]++;
  }

  /** Requests of the last `windowMs` (whole seconds, the current one included). */
  read(windowMs: number): WindowSnapshot {
    const seconds = Math.max(1, Math.min(SLOTS - 1, Math.ceil(windowMs / 1000)));
    const nowSecond = Math.floor(this.#now() / 1000);
    const oldest = nowSecond - seconds + 1;
    const counts = new Float64Array(BUCKET_COUNT);
    let requests = 0;
    let errors = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const second = this.#slotSecond[slot] ?? -1;
      if (second < oldest || second > nowSecond) continue;
      requests += this.#requests[slot] ?? 0;
      errors += this.#errors[slot] ?? 0;
      const base = slot * BUCKET_COUNT;
      for (let i = 0; i < BUCKET_COUNT; i++) counts[i] += this.#histograms[base + i] ?? 0;
    }
    return summarize(windowMs, requests, errors, counts);
  }
}

/** Turn counts and a histogram into the numbers analysis reads. */
export function summarize(
  windowMs: number,
  requests: number,
  errors5xx: number,
  counts: ArrayLike<number>,
): WindowSnapshot {
  const snapshot: WindowSnapshot = {
    windowMs,
    requests,
    errors5xx,
    errorRate: requests > 0 ? errors5xx / requests : 0,
    histogram: toSparse(counts),
  };
  if (requests > 0) {
    snapshot.p50 = quantileMs(counts, requests, 0.5);
    snapshot.p95 = quantileMs(counts, requests, 0.95);
    snapshot.p99 = quantileMs(counts, requests, 0.99);
  }
  return snapshot;
}
