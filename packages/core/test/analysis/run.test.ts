import { describe, expect, it } from '@jest/globals';
import {
  createVirtualClock,
  runAnalysis,
  type Measurement,
  type RunAnalysisOptions,
} from '../../src/analysis/index.js';
import { InternalError, ValidationError } from '../../src/errors/index.js';
import type { VersionMetrics } from '../../src/targets/index.js';
import { ScriptedMetrics } from './helpers.js';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const healthy: Partial<VersionMetrics> = { requests: 100, errors5xx: 1, p95: 40 };
const bad: Partial<VersionMetrics> = { requests: 100, errors5xx: 31, p95: 40 };
const errorRate = { provider: 'router', metric: 'errorRate', condition: '< 0.05' };

/** Router metrics that change per read of the canary: entry n is the canary's n-th window. */
class Sequence extends ScriptedMetrics {
  private n = 0;
  constructor(
    private readonly canary: (Partial<VersionMetrics> | Error)[],
    stable: Partial<VersionMetrics> = { requests: 400, errors5xx: 2 },
  ) {
    super({ '1.0.0': stable });
  }
  override async read(component: string, version: string, windowMs: number): Promise<VersionMetrics> {
    if (version === '2.0.0')
      this.byVersion['2.0.0'] = this.canary[Math.min(this.n++, this.canary.length - 1)];
    return super.read(component, version, windowMs);
  }
}

function options(
  template: Record<string, unknown>,
  metrics: ScriptedMetrics,
  extra: Partial<RunAnalysisOptions> = {},
): RunAnalysisOptions {
  return {
    template,
    component: 'web',
    canaryVersion: '2.0.0',
    stableVersion: '1.0.0',
    metrics,
    clock: createVirtualClock(T0),
    startedAt: T0,
    ...extra,
  };
}

describe('runAnalysis', () => {
  it('takes count measurements, one per interval, and passes', async () => {
    const seen: Measurement[] = [];
    const metrics = new Sequence([healthy]);
    const verdict = await runAnalysis(
      options({ interval: '1s', count: 5, metrics: [errorRate] }, metrics, {
        onMeasurement: (m) => void seen.push(m),
      }),
    );
    expect(verdict.phase).toBe('Successful');
    expect(verdict.message).toBe('all metrics passed: errorRate 5 of 5 successful');
    expect(verdict.measurements.map((m) => m.at)).toEqual([1, 2, 3, 4, 5].map((s) => iso(T0 + s * 1000)));
    expect(verdict.measurements[0]).toEqual({
      metric: 'errorRate',
      index: 0,
      value: 0.01,
      phase: 'Successful',
      at: iso(T0 + 1000),
      message: 'errorRate 0.01 passed < 0.05 (100 requests, 1 5xx in 1s)',
    });
    expect(seen).toEqual(verdict.measurements);
    expect(metrics.reads.every((r) => r.windowMs === 1000 && r.version === '2.0.0')).toBe(true);
    expect(verdict.metrics).toEqual([
      {
        metric: 'errorRate',
        phase: 'Successful',
        measurements: 5,
        successful: 5,
        failed: 0,
        inconclusive: 0,
        errors: 0,
        consecutiveErrors: 0,
      },
    ]);
  });

  it('stops the moment failures exceed the limit: a bad canary fails within failureLimit + 1 intervals', async () => {
    const metrics = new Sequence([bad]);
    const verdict = await runAnalysis(
      options({ interval: '1s', count: 5, failureLimit: 1, metrics: [errorRate] }, metrics),
    );
    expect(verdict.phase).toBe('Failed');
    expect(verdict.measurements).toHaveLength(2);
    expect(verdict.message).toBe(
      'errorRate 0.31 failed condition < 0.05 (2 of 2 measurements failed, limit 1)',
    );
    expect(verdict.failingMeasurement).toMatchObject({
      metric: 'errorRate',
      index: 1,
      value: 0.31,
      phase: 'Failed',
      at: iso(T0 + 2000),
    });
  });

  it('tolerates failures up to the limit', async () => {
    const verdict = await runAnalysis(
      options(
        { interval: '1s', count: 5, failureLimit: 1, metrics: [errorRate] },
        new Sequence([healthy, bad, healthy]),
      ),
    );
    expect(verdict.phase).toBe('Successful');
    expect(verdict.measurements.map((m) => m.phase)).toEqual([
      'Successful',
      'Failed',
      'Successful',
      'Successful',
      'Successful',
    ]);
  });

  it('is inconclusive with too few requests, within inconclusiveLimit it waits for traffic', async () => {
    const quiet = { requests: 3, errors5xx: 0 };
    const strict = await runAnalysis(
      options({ interval: '1s', count: 3, metrics: [errorRate] }, new Sequence([quiet, healthy])),
    );
    expect(strict.phase).toBe('Inconclusive');
    expect(strict.measurements).toHaveLength(1);
    expect(strict.message).toBe(
      'errorRate inconclusive (1 of 1 measurements inconclusive, limit 0): errorRate inconclusive: only 3 requests to canary 2.0.0 in the last 1s (minRequests 20)',
    );
    const patient = await runAnalysis(
      options(
        { interval: '1s', count: 3, inconclusiveLimit: 1, metrics: [errorRate] },
        new Sequence([quiet, healthy]),
      ),
    );
    expect(patient.phase).toBe('Successful');
    expect(patient.measurements.map((m) => m.phase)).toEqual(['Inconclusive', 'Successful', 'Successful']);
  });

  it('never passes without a single successful measurement', async () => {
    const verdict = await runAnalysis(
      options(
        { interval: '1s', count: 2, inconclusiveLimit: 5, metrics: [errorRate] },
        new Sequence([{ requests: 0 }]),
      ),
    );
    expect(verdict.phase).toBe('Inconclusive');
    expect(verdict.message).toMatch(
      /^errorRate: no successful measurement \(2 of 2 measurements inconclusive\)/,
    );
  });

  it('counts provider errors separately and fails only after consecutiveErrorLimit errors in a row', async () => {
    const down = new Error('agent unreachable');
    const verdict = await runAnalysis(
      options({ interval: '1s', count: 10, metrics: [errorRate] }, new Sequence([down])),
    );
    expect(verdict.phase).toBe('Error');
    expect(verdict.measurements).toHaveLength(5);
    expect(verdict.message).toBe(
      'errorRate: 5 provider errors in a row (limit 4); last: errorRate: agent unreachable',
    );
    // A good measurement resets the run of errors.
    const flaky = await runAnalysis(
      options(
        { interval: '1s', count: 8, consecutiveErrorLimit: 2, metrics: [errorRate] },
        new Sequence([down, down, healthy, down, down, healthy]),
      ),
    );
    expect(flaky.phase).toBe('Successful');
    expect(flaky.metrics[0]).toMatchObject({ errors: 4, successful: 4, consecutiveErrors: 0 });
  });

  it('compares with the stable version', async () => {
    const template = {
      interval: '1s',
      count: 2,
      metrics: [{ provider: 'router', condition: 'errorRate <= stable + 0.01' }],
    };
    const worse = await runAnalysis(
      options(template, new Sequence([{ requests: 200, errors5xx: 6 }], { requests: 400, errors5xx: 2 })),
    );
    expect(worse.phase).toBe('Failed');
    expect(worse.message).toBe(
      'errorRate 0.03 failed condition <= stable + 0.01 (1 of 1 measurements failed, limit 0, stable 0.005)',
    );
    expect(worse.failingMeasurement?.message).toBe(
      'errorRate 0.03 failed <= stable + 0.01 (threshold 0.015; stable 0.005; 200 requests, 6 5xx in 1s)',
    );
    const same = await runAnalysis(
      options(template, new Sequence([{ requests: 200, errors5xx: 2 }], { requests: 400, errors5xx: 2 })),
    );
    expect(same.phase).toBe('Successful');
    expect(same.measurements[0]).toMatchObject({ value: 0.01, stableValue: 0.005 });
    // First deployment: nothing to compare with.
    const first = await runAnalysis(options(template, new Sequence([healthy]), { stableVersion: undefined }));
    expect(first.phase).toBe('Inconclusive');
    expect(first.failingMeasurement?.message).toMatch(
      /inconclusive for <= stable \+ 0\.01: the stable version has no value to compare with \(no stable version to compare with/,
    );
  });

  it('records the stable value for compareWith: stable with an absolute condition', async () => {
    const verdict = await runAnalysis(
      options(
        { interval: '1s', count: 1, metrics: [{ ...errorRate, compareWith: 'stable' }] },
        new Sequence([healthy]),
      ),
    );
    expect(verdict.phase).toBe('Successful');
    expect(verdict.measurements[0]).toMatchObject({ value: 0.01, stableValue: 0.005 });
  });

  it('judges latency with units and reports the value in ms', async () => {
    const verdict = await runAnalysis(
      options(
        { interval: '2s', count: 3, metrics: [{ provider: 'router', condition: 'p95 < 0.3s' }] },
        new Sequence([{ requests: 50, p95: 412.5 }]),
      ),
    );
    expect(verdict.message).toBe('p95 412.5ms failed condition < 0.3s (1 of 1 measurements failed, limit 0)');
  });

  it('waits initialDelay before the first interval', async () => {
    const verdict = await runAnalysis(
      options(
        { interval: '1s', count: 2, initialDelay: '10s', metrics: [errorRate] },
        new Sequence([healthy]),
      ),
    );
    expect(verdict.measurements.map((m) => m.at)).toEqual([iso(T0 + 11_000), iso(T0 + 12_000)]);
  });

  it('resumes from stored measurements and keeps their rhythm', async () => {
    const first = await runAnalysis(
      options(
        { interval: '1s', count: 3, failureLimit: 1, metrics: [errorRate] },
        new Sequence([healthy, bad, healthy]),
      ),
    );
    expect(first.measurements).toHaveLength(3);
    // The controller died after 3 of 5 measurements; a new one picks up at measurement 4.
    const clock = createVirtualClock(T0 + 3_400);
    const metrics = new Sequence([bad]);
    const resumed = await runAnalysis(
      options({ interval: '1s', count: 5, failureLimit: 1, metrics: [errorRate] }, metrics, {
        clock,
        previous: first.measurements,
      }),
    );
    expect(resumed.phase).toBe('Failed');
    expect(resumed.measurements.map((m) => [m.index, m.phase, m.at])).toEqual([
      [0, 'Successful', iso(T0 + 1000)],
      [1, 'Failed', iso(T0 + 2000)],
      [2, 'Successful', iso(T0 + 3000)],
      [3, 'Failed', iso(T0 + 4000)],
    ]);
    expect(resumed.message).toBe(
      'errorRate 0.31 failed condition < 0.05 (2 of 4 measurements failed, limit 1)',
    );
  });

  it('measures at once when resuming long after the last measurement, then keeps the interval', async () => {
    const previous: Measurement[] = [
      { metric: 'errorRate', index: 0, value: 0.01, phase: 'Successful', at: iso(T0 + 1000), message: 'ok' },
    ];
    const clock = createVirtualClock(T0 + 60_000);
    const verdict = await runAnalysis(
      options({ interval: '1s', count: 3, metrics: [errorRate] }, new Sequence([healthy]), {
        clock,
        previous,
      }),
    );
    expect(verdict.phase).toBe('Successful');
    expect(verdict.measurements.map((m) => m.at)).toEqual([
      iso(T0 + 1000),
      iso(T0 + 60_000),
      iso(T0 + 61_000),
    ]);
  });

  it('returns a verdict already settled by stored measurements without measuring again', async () => {
    const previous: Measurement[] = [
      {
        metric: 'errorRate',
        index: 0,
        value: 0.3,
        phase: 'Failed',
        at: iso(T0 + 1000),
        message: 'errorRate 0.3 failed < 0.05',
      },
    ];
    const metrics = new Sequence([healthy]);
    const verdict = await runAnalysis(
      options({ interval: '1s', count: 5, metrics: [errorRate] }, metrics, { previous }),
    );
    expect(verdict.phase).toBe('Failed');
    expect(metrics.reads).toHaveLength(0);
    const complete = await runAnalysis(
      options({ interval: '1s', count: 1, metrics: [errorRate] }, metrics, {
        previous: [{ ...previous[0], value: 0.01, phase: 'Successful' }],
      }),
    );
    expect(complete.phase).toBe('Successful');
    expect(metrics.reads).toHaveLength(0);
  });

  it('rejects stored measurements that are not measurements', async () => {
    const previous = [{ metric: 'errorRate', phase: 'Great' }] as unknown as Measurement[];
    await expect(
      runAnalysis(
        options({ interval: '1s', count: 1, metrics: [errorRate] }, new Sequence([healthy]), { previous }),
      ),
    ).rejects.toThrow(InternalError);
  });

  it('validates the template', async () => {
    await expect(
      runAnalysis(
        options(
          { interval: '1s', count: 1, metrics: [{ provider: 'nope', condition: '< 1' }] },
          new Sequence([healthy]),
        ),
      ),
    ).rejects.toThrow(ValidationError);
  });

  it('background mode measures until aborted and then passes', async () => {
    const controller = new AbortController();
    const verdict = await runAnalysis(
      options({ interval: '1s', metrics: [errorRate] }, new Sequence([healthy]), {
        mode: 'background',
        signal: controller.signal,
        onMeasurement: (m) => {
          if (m.index === 6) controller.abort();
        },
      }),
    );
    expect(verdict.phase).toBe('Successful');
    expect(verdict.measurements).toHaveLength(7);
    expect(verdict.message).toBe(
      'background analysis stopped, no metric failed: errorRate 7 of 7 successful',
    );
  });

  it('background mode fails as soon as the limits are exceeded', async () => {
    const verdict = await runAnalysis(
      options(
        { interval: '1s', count: 3, failureLimit: 2, metrics: [errorRate] },
        new Sequence([healthy, healthy, healthy, healthy, bad]),
        {
          mode: 'background',
        },
      ),
    );
    expect(verdict.phase).toBe('Failed');
    expect(verdict.measurements).toHaveLength(7);
    expect(verdict.failingMeasurement?.at).toBe(iso(T0 + 7000));
  });

  it('a count-mode run rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('eds abort');
    const run = runAnalysis(
      options({ interval: '1s', count: 5, metrics: [errorRate] }, new Sequence([healthy]), {
        signal: controller.signal,
        onMeasurement: () => controller.abort(reason),
      }),
    );
    await expect(run).rejects.toBe(reason);
  });

  it('with the real clock, stops sleeping at once on abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const started = Date.now();
    await expect(
      runAnalysis(
        options({ interval: '1m', count: 5, metrics: [errorRate] }, new Sequence([healthy]), {
          signal: controller.signal,
          clock: undefined,
          startedAt: undefined,
        }),
      ),
    ).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('with the real clock, a failing canary is caught within failureLimit + 1 intervals', async () => {
    const started = Date.now();
    const verdict = await runAnalysis(
      options({ interval: '250ms', count: 10, failureLimit: 1, metrics: [errorRate] }, new Sequence([bad]), {
        clock: undefined,
        startedAt: undefined,
      }),
    );
    const elapsed = Date.now() - started;
    expect(verdict.phase).toBe('Failed');
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(elapsed).toBeLessThan(1000);
  });

  it('a settled failure cancels slower metrics of the same round', async () => {
    const started = Date.now();
    const verdict = await runAnalysis(
      options(
        {
          interval: '1s',
          count: 3,
          metrics: [errorRate, { name: 'smoke', provider: 'command', command: 'sleep 30', timeout: '1m' }],
        },
        new Sequence([bad]),
      ),
    );
    expect(verdict.phase).toBe('Failed');
    expect(verdict.measurements.map((m) => m.metric)).toEqual(['errorRate']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('judges several metrics and reports the worst', async () => {
    const verdict = await runAnalysis(
      options(
        {
          interval: '1s',
          count: 3,
          inconclusiveLimit: 5,
          metrics: [
            { provider: 'router', condition: 'requests > 10' },
            { name: 'quick', provider: 'command', command: 'echo 12', condition: '< 100' },
            { provider: 'router', condition: 'p95 < 300ms' },
          ],
        },
        new Sequence([{ requests: 50, p95: 500 }]),
      ),
    );
    expect(verdict.phase).toBe('Failed');
    expect(verdict.message).toBe('p95 500ms failed condition < 300ms (1 of 1 measurements failed, limit 0)');
    expect(verdict.metrics.map((m) => [m.metric, m.phase])).toEqual([
      ['requests', 'Running'],
      ['quick', 'Running'],
      ['p95', 'Failed'],
    ]);
  });

  it('a failing onMeasurement (e.g. the record write) fails the run', async () => {
    await expect(
      runAnalysis(
        options({ interval: '1s', count: 3, metrics: [errorRate] }, new Sequence([healthy]), {
          onMeasurement: () => Promise.reject(new Error('revision conflict')),
        }),
      ),
    ).rejects.toThrow('revision conflict');
  });
});
