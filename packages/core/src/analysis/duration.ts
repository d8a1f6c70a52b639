import { ValidationError } from '../errors/index.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

/** One `<number><unit>` part; `1m30s` is two parts. */
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/y;
const PLAIN_NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;

/** Timers in Node overflow above 2^31-1 ms (about 24.8 days) and fire at once; refuse such durations. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

const EXPECTED = 'a number of seconds or a duration such as "500ms", "1s", "2m", "1h", "1m30s"';

/**
 * Parse a duration as users write it in eds.yaml: `"500ms"`, `"1s"`, `"2m"`, `"1h"`, `"1m30s"`, or a number
 * of seconds (YAML `30` or `"30"`). Returns milliseconds. Throws a ValidationError that says what was expected.
 */
export function parseDuration(input: string | number, path?: string): number {
  const fail = (why: string): never => {
    throw new ValidationError(`invalid duration ${JSON.stringify(input)}: ${why}`, {
      code: 'INVALID_DURATION',
      expected: EXPECTED,
      ...(path === undefined ? {} : { path }),
    });
  };
  let ms: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) fail('not a finite number');
    if (input < 0) fail('must not be negative');
    ms = input * 1000;
  } else if (typeof input === 'string') {
    const text = input.trim();
    if (text === '') fail(`expected ${EXPECTED}`);
    if (PLAIN_NUMBER.test(text)) {
      ms = Number(text) * 1000;
    } else {
      ms = 0;
      PART.lastIndex = 0;
      while (PART.lastIndex < text.length) {
        const at = PART.lastIndex;
        const match = PART.exec(text);
        if (!match) return fail(`unexpected ${JSON.stringify(text.slice(at))}; expected ${EXPECTED}`);
        ms += Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
      }
    }
  } else {
    return fail(`expected ${EXPECTED}`);
  }
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS)
    fail(`longer than the maximum of ${formatDuration(MAX_DURATION_MS)}`);
  return ms;
}

/** The shortest exact text for a number of milliseconds, e.g. 90000 -> `1m30s`; parseDuration reads it back. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format duration ${ms}`);
  if (ms === 0) return '0s';
  if (!Number.isInteger(ms)) return `${ms}ms`;
  let rest = ms;
  let text = '';
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}
