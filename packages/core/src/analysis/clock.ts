/**
 * Time as the analysis sees it. Injected so tests can run a 5-interval analysis in microseconds and so the
 * controller can share one clock with the rest of a deployment.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolve after `ms`; reject with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** What an aborted wait rejects with: the signal's reason when it is an Error (as `AbortSignal.abort()` gives). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // Not `instanceof Error`: a DOMException from another realm (e.g. a test VM) must pass through unchanged.
  if (typeof reason === 'object' && reason !== null) return reason as Error;
  return new DOMException(typeof reason === 'string' ? reason : 'This operation was aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock whose `sleep` advances virtual time at once: for tests of code that waits between steps. */
export interface VirtualClock extends Clock {
  /** Move time forward without sleeping (e.g. to simulate a controller that was down for a while). */
  advance(ms: number): void;
}

export function createVirtualClock(startMs = 0): VirtualClock {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += Math.max(0, ms);
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw abortReason(signal);
      now += Math.max(0, ms);
      // Yield to the event loop so callers that abort "during" the sleep get a chance to do so.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortReason(signal);
    },
  };
}
