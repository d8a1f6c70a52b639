export type Settled<T> =
  { kind: 'fulfilled'; value: T } | { kind: 'rejected'; error: unknown } | { kind: 'aborted' };

/**
 * Wait for `promise`; once `signal` aborts, give it `graceMs` more to settle (a killed process exits, a fetch
 * rejects) and then stop waiting, so a step that ignores its signal cannot hang the pipeline.
 */
export function settleOrAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
): Promise<Settled<T>> {
  return new Promise((resolve) => {
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      graceTimer = setTimeout(() => finish({ kind: 'aborted' }), graceMs);
    };
    const finish = (settled: Settled<T>): void => {
      if (done) return;
      done = true;
      clearTimeout(graceTimer);
      signal.removeEventListener('abort', onAbort);
      resolve(settled);
    };
    promise.then(
      (value) => finish({ kind: 'fulfilled', value }),
      (error: unknown) => finish({ kind: 'rejected', error }),
    );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A sleep that ends early (without error) when the signal aborts: the default `sleep` of the engine. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
