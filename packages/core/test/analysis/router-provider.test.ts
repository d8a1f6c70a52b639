import { describe, expect, it } from '@jest/globals';
import { getProvider, PROVIDER_NAMES } from '../../src/analysis/index.js';
import { ValidationError } from '../../src/errors/index.js';
import { measure, ScriptedMetrics } from './helpers.js';

describe('provider table', () => {
  it('lists the four built-in providers and rejects unknown names with the known ones', () => {
    expect(PROVIDER_NAMES).toEqual(['router', 'http', 'prometheus', 'command']);
    expect(() => getProvider('datadog')).toThrow(ValidationError);
    expect(() => getProvider('datadog')).toThrow(
      'unknown analysis provider "datadog"; known providers: router, http, prometheus, command',
    );
    expect(() => getProvider('toString')).toThrow(/unknown analysis provider/);
  });
});

describe('router provider', () => {
  const metrics = new ScriptedMetrics({
    '2.0.0': { requests: 200, errors5xx: 62, p50: 5, p95: 40, p99: 80 },
    '1.0.0': { requests: 800, errors5xx: 4, p50: 4, p95: 30, p99: 60 },
  });

  it('reads each metric of the measured version over the window', async () => {
    const cases: [string, number][] = [
      ['errorRate', 0.31],
      ['successRate', 0.69],
      ['requests', 200],
      ['errors5xx', 62],
      ['p50', 5],
      ['p95', 40],
      ['p99', 80],
    ];
    for (const [name, value] of cases) {
      const reading = await measure(
        { provider: 'router', metric: name, condition: '< 1' },
        { metrics, windowMs: 1500 },
      );
      expect({ name, reading }).toEqual({
        name,
        reading: { kind: 'value', value: expect.closeTo(value, 10), note: '200 requests, 62 5xx in 1s500ms' },
      });
    }
    expect(metrics.reads.every((r) => r.version === '2.0.0' && r.windowMs === 1500)).toBe(true);
    const stable = await measure(
      { provider: 'router', condition: 'errorRate <= stable' },
      { metrics, version: '1.0.0', role: 'stable' },
    );
    expect(stable).toMatchObject({ kind: 'value', value: 0.005 });
  });

  it('is inconclusive below minRequests for ratios and percentiles, not for counts', async () => {
    const few = new ScriptedMetrics({ '2.0.0': { requests: 5, errors5xx: 1, p95: 10 } });
    expect(
      await measure({ provider: 'router', metric: 'errorRate', condition: '< 0.05' }, { metrics: few }),
    ).toEqual({
      kind: 'inconclusive',
      reason: 'only 5 requests to canary 2.0.0 in the last 1s (minRequests 20)',
    });
    expect(
      await measure({ provider: 'router', metric: 'p95', condition: '< 300ms' }, { metrics: few }),
    ).toMatchObject({ kind: 'inconclusive' });
    expect(
      await measure({ provider: 'router', metric: 'requests', condition: '> 100' }, { metrics: few }),
    ).toMatchObject({ kind: 'value', value: 5 });
    expect(
      await measure(
        { provider: 'router', metric: 'errorRate', condition: '< 0.05' },
        { metrics: few, minRequests: 0 },
      ),
    ).toMatchObject({
      kind: 'value',
      value: 0.2,
    });
  });

  it('is inconclusive when there is no traffic at all, even with minRequests 0', async () => {
    const none = new ScriptedMetrics({ '2.0.0': { requests: 0 } });
    expect(
      await measure(
        { provider: 'router', metric: 'errorRate', condition: '< 0.05' },
        { metrics: none, minRequests: 0 },
      ),
    ).toMatchObject({
      kind: 'inconclusive',
      reason: 'no errorRate for 2.0.0 in the last 1s',
    });
  });

  it('lets a failing metrics source surface as a provider error', async () => {
    const broken = new ScriptedMetrics({ '2.0.0': new Error('agent unreachable') });
    await expect(
      measure({ provider: 'router', metric: 'errorRate', condition: '< 0.05' }, { metrics: broken }),
    ).rejects.toThrow('agent unreachable');
  });
});
