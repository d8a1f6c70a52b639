/** How hard the mirror tries before it gives up with a warning (it never fails a deployment). */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 5_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An HTTP status carried by a gitbeaker error (GitbeakerRequestError keeps the Response in `cause`). */
export function httpStatusOf(error: unknown): number | undefined {
  const cause = (error as { cause?: { response?: { status?: unknown } } } | null)?.cause;
  const status = cause?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Worth another try: no answer at all (refused, reset, timeout) or a server-side failure. 4xx answers are the
 * caller's problem (bad token, missing permission, unknown project) and repeat identically, so they are final.
 */
export function isTransient(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status === undefined) return true;
  return status >= 500 || status === 429 || status === 408;
}

export function describeFailure(error: unknown): string {
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const detail = message || (typeof cause === 'string' ? cause : 'no answer');
  return status !== undefined ? `HTTP ${status}: ${detail}` : detail;
}

/** Run `call`, retrying transient failures with exponential backoff; the last error is rethrown. */
export async function withRetry<T>(
  what: string,
  call: () => Promise<T>,
  options: { policy: RetryPolicy; sleep: Sleep; log: (line: string) => void },
): Promise<T> {
  const { policy, sleep, log } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      log(
        `gitlab mirror: ${what} failed (${describeFailure(error)}); retry ${attempt}/${policy.attempts - 1} in ${delay} ms`,
      );
      await sleep(delay);
    }
  }
}
