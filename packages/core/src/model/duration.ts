import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** `"500ms"`, `"1s"`, `"1.5m"`, `"2h"`, or a bare number of seconds; returns milliseconds, or undefined. */
export function durationToMs(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** A duration field in eds.yaml; parses to milliseconds. */
export const DurationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = durationToMs(value);
  if (ms === undefined) {
    ctx.issues.push({
      code: 'custom',
      input: value,
      message: `invalid duration ${JSON.stringify(value)}: expected a number of seconds or e.g. "500ms", "10s", "5m", "1h"`,
    });
    return z.NEVER;
  }
  return ms;
});

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
