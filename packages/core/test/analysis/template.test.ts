import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import {
  AnalysisTemplateSchema,
  BackgroundAnalysisTemplateSchema,
  parseAnalysisTemplate,
} from '../../src/analysis/index.js';

const routerMetric = { provider: 'router', metric: 'errorRate', condition: '< 0.05' };

function problem(input: unknown, options: { path?: string } = {}): ValidationError {
  try {
    parseAnalysisTemplate(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected the template to be rejected');
}

describe('AnalysisTemplateSchema', () => {
  it('accepts the design example and fills defaults', () => {
    const template = parseAnalysisTemplate({
      interval: '1s',
      count: 5,
      failureLimit: 1,
      metrics: [routerMetric],
    });
    expect(template).toEqual({
      interval: '1s',
      count: 5,
      failureLimit: 1,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      minRequests: 20,
      metrics: [routerMetric],
    });
    // Durations stay as written, so a parsed template (e.g. from a record) parses to itself.
    expect(parseAnalysisTemplate(template)).toEqual(template);
  });

  it('accepts every provider with its fields', () => {
    const template = parseAnalysisTemplate({
      interval: 30,
      count: 3,
      initialDelay: '10s',
      minRequests: 50,
      metrics: [
        { name: 'latency', provider: 'router', condition: 'p95 < 300ms' },
        { provider: 'router', condition: 'errorRate <= stable + 0.01' },
        {
          name: 'p99-vs-stable',
          provider: 'router',
          metric: 'p99',
          condition: '< stable * 1.2',
          compareWith: 'stable',
        },
        {
          name: 'score',
          provider: 'http',
          url: 'http://127.0.0.1:1/score?v={{version}}',
          jsonPath: '$.data.value',
          condition: '>= 0.9',
          headers: { authorization: 'Bearer x' },
          timeout: '2s',
        },
        {
          name: 'prom',
          provider: 'prometheus',
          url: 'http://prometheus:9090',
          query: 'sum(rate(x{version="{{version}}"}[1m]))',
          condition: '< 1',
        },
        { name: 'smoke', provider: 'command', command: 'curl -fsS http://localhost/healthz' },
      ],
    });
    expect(template.metrics).toHaveLength(6);
  });

  it('names the field path of each problem', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ count: 5, metrics: [routerMetric] }, 'interval', /interval: required: a duration such as "500ms"/],
      [{ interval: true, count: 5, metrics: [routerMetric] }, 'interval', /interval: expected a duration/],
      [{ interval: 'soon', count: 5, metrics: [routerMetric] }, 'interval', /invalid duration "soon"/],
      [{ interval: '0s', count: 5, metrics: [routerMetric] }, 'interval', /longer than 0/],
      [{ interval: '1s', count: 0, metrics: [routerMetric] }, 'count', />=1|>= 1|too small/i],
      [{ interval: '1s', count: 1.5, metrics: [routerMetric] }, 'count', /int/i],
      [
        { interval: '1s', count: 5, failureLimit: -1, metrics: [routerMetric] },
        'failureLimit',
        /too small|>=0/i,
      ],
      [{ interval: '1s', count: 5, metrics: [] }, 'metrics', /too small|>=1/i],
      [{ interval: '1s', count: 5, metrics: [routerMetric], extra: 1 }, '', /unknown field\(s\) "extra"/],
      [
        { interval: '1s', count: 5, metrics: [{ ...routerMetric, provider: 'datadog' }] },
        'metrics[0].provider',
        /unknown analysis provider "datadog"; known providers: router, http, prometheus, command/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ ...routerMetric, condition: 'errorRate << 1' }] },
        'metrics[0].condition',
        /at column 12/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'router', metric: 'errorRate' }] },
        'metrics[0].condition',
        /a condition is required for the router provider/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'router', condition: '< 1' }] },
        'metrics[0].metric',
        /needs a metric/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'router', metric: 'latency', condition: '< 1' }] },
        'metrics[0].metric',
        /unknown router metric "latency"; known: errorRate, successRate/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'router', condition: 'p95 < 5%' }] },
        'metrics[0].condition',
        /unit "%" does not fit p95/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'router', metric: 'p95', condition: 'p99 < 5' }] },
        'metrics[0].condition',
        /condition names p99 but metric is p95/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ ...routerMetric, query: 'up' }] },
        'metrics[0].query',
        /"query" is not used by the router provider/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ ...routerMetric, qurey: 'up' }] },
        'metrics[0]',
        /unknown field\(s\) "qurey"/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'http', condition: '< 1' }] },
        'metrics[0].url',
        /needs a url/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'http', url: 'ftp://x', condition: '< 1' }] },
        'metrics[0].url',
        /http\(s\) URL/,
      ],
      [
        {
          interval: '1s',
          count: 5,
          metrics: [{ provider: 'http', url: 'http://x', jsonPath: 'a..b', condition: '< 1' }],
        },
        'metrics[0].jsonPath',
        /column 3/,
      ],
      [
        {
          interval: '1s',
          count: 5,
          metrics: [{ provider: 'prometheus', url: 'http://p:9090', condition: '< 1' }],
        },
        'metrics[0].query',
        /needs a PromQL query/,
      ],
      [
        {
          interval: '1s',
          count: 5,
          metrics: [
            { provider: 'prometheus', url: 'http://p:9090', query: 'x{v="{{ver}}"}', condition: '< 1' },
          ],
        },
        'metrics[0].query',
        /unknown placeholder \{\{ver\}\}; known: \{\{component\}\}/,
      ],
      [
        {
          interval: '1s',
          count: 5,
          metrics: [{ provider: 'http', url: 'http://x', condition: '< 1', headers: { a: '{{token}}' } }],
        },
        'metrics[0].headers.a',
        /unknown placeholder/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'command' }] },
        'metrics[0].command',
        /needs a command/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ provider: 'command', command: 'true', timeout: 'x' }] },
        'metrics[0].timeout',
        /invalid duration/,
      ],
      [
        {
          interval: '1s',
          count: 5,
          metrics: [routerMetric, { provider: 'router', condition: 'errorRate < 0.1' }],
        },
        'metrics[1].name',
        /also used by metrics\[0\]/,
      ],
      [
        { interval: '1s', count: 5, metrics: [{ ...routerMetric, compareWith: 'canary' }] },
        'metrics[0].compareWith',
        /stable/,
      ],
    ];
    for (const [input, path, message] of cases) {
      const error = problem(input);
      expect({ path: error.location.path, message: error.message }).toEqual({
        path,
        message: expect.stringMatching(message),
      });
      expect(error.exitCode).toBe(2);
    }
  });

  it('prefixes field paths with where the template sits in the spec', () => {
    const error = problem(
      { interval: '1s', count: 5, metrics: [{ ...routerMetric, provider: 'nope' }] },
      { path: 'environments.prod.strategy.steps[1].analysis' },
    );
    expect(error.location.path).toBe('environments.prod.strategy.steps[1].analysis.metrics[0].provider');
  });

  it('lets background analysis leave out count', () => {
    expect(
      BackgroundAnalysisTemplateSchema.safeParse({ interval: '1s', metrics: [routerMetric] }).success,
    ).toBe(true);
    expect(AnalysisTemplateSchema.safeParse({ interval: '1s', metrics: [routerMetric] }).success).toBe(false);
    expect(
      parseAnalysisTemplate({ interval: '1s', metrics: [routerMetric] }, { background: true }).count,
    ).toBeUndefined();
  });

  it('only ever reports ValidationErrors, and accepted templates parse to themselves', () => {
    const duration = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('1s', '500ms', '2m', 5) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('x', '', '0s'), fc.double(), fc.integer()) },
    );
    const name = fc.oneof(fc.constantFrom('a', 'b', 'bad name'), fc.string({ maxLength: 4 }));
    // Mostly valid metrics per provider, so both the accepting and the rejecting side get exercised.
    const validMetric = fc.oneof(
      fc.record(
        {
          name,
          provider: fc.constant('router'),
          metric: fc.constantFrom('errorRate', 'p95', 'requests', 'nope'),
          condition: fc.constantFrom('< 0.05', '< 300ms', '<= stable + 0.01', '< 5%', '=< 1'),
          compareWith: fc.constantFrom('stable', 'x'),
        },
        { requiredKeys: ['provider', 'metric', 'condition'] },
      ),
      fc.record(
        {
          name,
          provider: fc.constant('http'),
          url: fc.constantFrom('http://127.0.0.1:9/x', 'nope', 'http://h/{{version}}', 'http://h/{{bad}}'),
          jsonPath: fc.constantFrom('$.a', 'a[', '$'),
          condition: fc.constantFrom('< 1', 'value >= stable * 2'),
          headers: fc.dictionary(fc.string({ maxLength: 5 }), fc.constantFrom('x', '{{version}}'), {
            maxKeys: 2,
          }),
          timeout: duration,
        },
        { requiredKeys: ['provider', 'url', 'condition'] },
      ),
      fc.record(
        {
          name,
          provider: fc.constant('prometheus'),
          url: fc.constantFrom('http://prometheus:9090', 'x'),
          query: fc.constantFrom('up', '', 'x{v="{{version}}"}'),
          condition: fc.constantFrom('< 1', '== 0'),
        },
        { requiredKeys: ['provider', 'url', 'query', 'condition'] },
      ),
      fc.record(
        {
          name,
          provider: fc.constant('command'),
          command: fc.constantFrom('true', ''),
          condition: fc.constantFrom('< 1'),
        },
        { requiredKeys: ['provider', 'command'] },
      ),
    );
    const metric = fc.oneof(
      { weight: 4, arbitrary: validMetric },
      {
        weight: 1,
        arbitrary: fc
          .tuple(validMetric, fc.string({ maxLength: 6 }), fc.anything())
          .map(([m, k, v]) => ({ ...m, [k]: v })),
      },
    );
    const template = fc.record(
      {
        interval: duration,
        count: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.double()),
        failureLimit: fc.integer({ min: -1, max: 3 }),
        inconclusiveLimit: fc.integer({ min: -1, max: 3 }),
        consecutiveErrorLimit: fc.integer({ min: -1, max: 5 }),
        minRequests: fc.integer({ min: -1, max: 100 }),
        initialDelay: duration,
        metrics: fc.array(metric, { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['interval', 'count', 'metrics'] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(template, fc.anything()), (input) => {
        try {
          const parsed = parseAnalysisTemplate(input);
          accepted++;
          expect(parseAnalysisTemplate(parsed)).toEqual(parsed);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          expect(typeof error.location.path).toBe('string');
        }
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the accepting side too, or the round-trip half tests nothing.
    expect(accepted).toBeGreaterThan(0);
  });
});
