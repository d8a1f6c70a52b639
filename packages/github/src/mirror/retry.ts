/**
 * Retries for GitHub API calls: server errors and network failures back off exponentially; rate limits
 * (429, or 403 with `x-ratelimit-remaining: 0` / `retry-after`) wait as GitHub says, when that is short.
 * Anything else (401, 404, 422, …) is not worth repeating.
 */
export interface RetryOptions {
  attempts: number;
  baseMs: number;
  /** A rate limit that resets later than this is given up on rather than waited out. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseMs: 1000, maxWaitMs: 15_000 };

interface HttpFailure {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

function header(error: HttpFailure, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** How long to wait before the next attempt, or undefined when the failure is not transient. */
export function retryDelayMs(error: unknown, attempt: number, options: RetryOptions): number | undefined {
  const failure = (error ?? {}) as HttpFailure;
  const status = typeof failure.status === 'number' ? failure.status : undefined;
  const retryAfter = header(failure, 'retry-after');
  const rateLimited =
    status === 429 ||
    (status === 403 && (header(failure, 'x-ratelimit-remaining') === '0' || retryAfter !== undefined));
  if (rateLimited) {
    if (retryAfter !== undefined && Number.isFinite(Number(retryAfter))) return Number(retryAfter) * 1000;
    const reset = Number(header(failure, 'x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - (options.now ?? Date.now)());
    return options.baseMs * 2 ** (attempt - 1);
  }
  if (status === undefined || status >= 500) return options.baseMs * 2 ** (attempt - 1);
  return undefined;
}

export async function withRetry<T>(
  call: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = retryDelayMs(error, attempt, options);
      if (delay === undefined || attempt >= options.attempts || delay > options.maxWaitMs) throw error;
      await sleep(delay);
    }
  }
}
