export const DEFAULT_BACKOFF_MS = 1000;
export const DEFAULT_MAX_BACKOFF_MS = 60_000;

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform delay in [0, min(cap, base * 2^(n-1))]
 * for retry n. Jitter spreads retries of parallel steps so they do not hammer a recovering service in step.
 */
export function backoffDelay(
  retry: number,
  random: () => number,
  baseMs = DEFAULT_BACKOFF_MS,
  maxMs = DEFAULT_MAX_BACKOFF_MS,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
