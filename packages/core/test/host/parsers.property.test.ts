import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EdsError } from '../../src/errors/index.js';
import { parseAgentArgs } from '../../src/targets/host/agent-args.js';
import { readCookie } from '../../src/targets/host/cookies.js';
import {
  BUCKET_COUNT,
  bucketHigh,
  bucketLow,
  bucketOf,
  mergeSparse,
  quantileMs,
  toSparse,
} from '../../src/targets/host/latency-histogram.js';
import { deployBodySchema, parseInput, trafficBodySchema } from '../../src/targets/host/protocol.js';
import { SlidingMetrics } from '../../src/targets/host/sliding-metrics.js';
import { agentInfoSchema, parseStateFile, persistedStateSchema } from '../../src/targets/host/state-files.js';

/** Runs `fn`; passes if it returns or throws an EdsError (the only way bad input may fail). */
function onlyEdsErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EdsError);
    expect((error as EdsError).exitCode).toBe(2);
    expect((error as EdsError).message.length).toBeGreaterThan(0);
  }
}

describe('parsers of external input (properties)', () => {
  it('parseInput accepts or rejects any value with a ValidationError naming a path', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        onlyEdsErrors(() => parseInput(deployBodySchema, value));
        onlyEdsErrors(() => parseInput(trafficBodySchema, value));
      }),
      { numRuns: 500 },
    );
  });

  it('traffic bodies: weights must sum to 100, each match names exactly one of header or cookie', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (w) => {
        const body = parseInput(trafficBodySchema, {
          weights: { a: w, b: 100 - w },
          matches: [{ version: 'b', header: { name: 'x-b', value: '1' } }],
        });
        expect(body.weights).toEqual({ a: w, b: 100 - w });
      }),
    );
    fc.assert(
      fc.property(
        fc
          .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))
          .filter(([x, y]) => x + y !== 100),
        ([x, y]) => {
          expect(() => parseInput(trafficBodySchema, { weights: { a: x, b: y } })).toThrow(/summing to 100/);
        },
      ),
    );
    expect(() =>
      parseInput(trafficBodySchema, {
        weights: {},
        matches: [{ version: 'b', header: { name: 'x', value: '1' }, cookie: { name: 'c', value: '1' } }],
      }),
    ).toThrow(/exactly one of header, cookie/);
  });

  it('agent arguments: anything is parsed or refused with a ValidationError', () => {
    const token = fc.oneof(
      fc.constantFrom('--state', '--host', '--port', '--router-host', '--state=/x', '--port=7420', '-x'),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 8 }),
        fc.option(fc.string(), { nil: undefined }),
        (argv, stateEnv) => {
          onlyEdsErrors(() => parseAgentArgs(argv, { EDS_STATE_DIR: stateEnv }));
        },
      ),
      { numRuns: 500 },
    );
    expect(parseAgentArgs(['--state', '/tmp/s', '--port=7420'], { EDS_AGENT_TOKEN: 't0ken' })).toEqual({
      stateDir: '/tmp/s',
      host: '127.0.0.1',
      port: 7420,
      token: 't0ken',
    });
    expect(() => parseAgentArgs(['--port', '99999', '--state', 'x'], {})).toThrow(/--port/);
  });

  it('cookies: never throws on any header, and finds a cookie among others', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (header, name) => void readCookie(header, name)),
      { numRuns: 1000 },
    );
    const cookieName = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    const cookieValue = fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cookieName, cookieValue), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (pairs, pick) => {
          const [name, value] = pairs[pick % pairs.length];
          const first = pairs.find(([n]) => n === name)?.[1];
          const header = pairs.map(([n, v]) => `${n}=${v}`).join('; ');
          expect(readCookie(header, name)).toBe(first ?? value);
        },
      ),
    );
    expect(readCookie('a=1; track="canary"; b=%zz', 'track')).toBe('canary');
    expect(readCookie('b=%zz', 'b')).toBe('%zz');
  });

  it('state files: any text is parsed or refused, never thrown on', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ format: 'eds-agent-state/v1', components: v })),
        ),
        (text) => {
          expect(() => parseStateFile(persistedStateSchema, text)).not.toThrow();
          expect(() => parseStateFile(agentInfoSchema, text)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('latency histogram and sliding windows (properties)', () => {
  it('puts every value in a bucket whose bounds hold it, within 1/16 of the value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 2 }), (micros) => {
        const index = bucketOf(micros);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(BUCKET_COUNT);
        expect(bucketLow(index)).toBeLessThanOrEqual(micros);
        expect(bucketHigh(index)).toBeGreaterThan(micros);
        expect(bucketHigh(index) - bucketLow(index)).toBeLessThanOrEqual(Math.max(1, micros / 16));
      }),
      { numRuns: 2000 },
    );
    for (const odd of [-5, NaN, Infinity, 1e12]) expect(bucketOf(odd)).toBeGreaterThanOrEqual(0);
  });

  it('quantiles are within the bucket error of the exact ones, and merging sparse histograms is exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 5000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (latencies) => {
          const counts = new Float64Array(BUCKET_COUNT);
          for (const ms of latencies) counts[bucketOf(ms * 1000)]++;
          const sorted = [...latencies].sort((a, b) => a - b);
          for (const q of [0.5, 0.95, 0.99]) {
            const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
            const estimate = quantileMs(counts, latencies.length, q) as number;
            expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(exact / 16 + 0.001);
          }
          const half = Math.floor(latencies.length / 2);
          const a = new Float64Array(BUCKET_COUNT);
          const b = new Float64Array(BUCKET_COUNT);
          latencies.forEach((ms, i) => (i < half ? a : b)[bucketOf(ms * 1000)]++);
          expect([...mergeSparse([toSparse(a), toSparse(b)])]).toEqual([...counts]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts only the requests inside the window', () => {
    let now = 1_000_000_000;
    const metrics = new SlidingMetrics(() => now);
    for (let second = 0; second < 20; second++) {
      for (let i = 0; i < 10; i++) metrics.record(i === 0 ? 503 : 200, 5);
      now += 1000;
    }
    now -= 1; // still inside the last recorded second
    expect(metrics.read(5000)).toMatchObject({ requests: 50, errors5xx: 5, errorRate: 0.1 });
    expect(metrics.read(60_000).requests).toBe(200);
    now += 400_000; // far past the ring: everything has slid out
    expect(metrics.read(300_000)).toMatchObject({ requests: 0, errorRate: 0 });
    expect(metrics.read(300_000).p50).toBeUndefined();
  });
});
