import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../src/analysis/index.js';

describe('parseDuration', () => {
  it('reads units, compound durations and seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(' 10s ')).toBe(10_000);
    expect(parseDuration(30)).toBe(30_000);
    expect(parseDuration(0.5)).toBe(500);
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration(0)).toBe(0);
  });

  it('explains what it expected', () => {
    for (const bad of ['', '1 s', '1d', 'fast', '-1s', '1s2', 's', '1.s']) {
      expect(() => parseDuration(bad)).toThrow(ValidationError);
    }
    expect(() => parseDuration('1d')).toThrow(
      /invalid duration "1d": unexpected "1d"; expected a number of seconds or a duration such as "500ms"/,
    );
    expect(() => parseDuration(-1)).toThrow(/must not be negative/);
    expect(() => parseDuration(Number.NaN)).toThrow(/not a finite number/);
    expect(() => parseDuration('9999h')).toThrow(/longer than the maximum/);
    const error = (() => {
      try {
        parseDuration('soon', 'analysis.interval');
      } catch (e) {
        return e as ValidationError;
      }
      return undefined;
    })();
    expect(error?.location.path).toBe('analysis.interval');
    expect(error?.exitCode).toBe(2);
  });

  it('round-trips formatted durations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_MS }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(1500)).toBe('1s500ms');
  });

  it('never throws anything but a ValidationError', () => {
    const chars = fc.constantFrom(...'0123456789.mshd -+e'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars, maxLength: 12 }), fc.double()), (input) => {
        try {
          const ms = parseDuration(input);
          expect(Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS).toBe(true);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
