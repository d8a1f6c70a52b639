import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import {
  evaluateCondition,
  parseCondition,
  printCondition,
  type Comparison,
  type Condition,
  type ConditionUnit,
  type NumberLiteral,
  type StableOperator,
} from '../../src/analysis/index.js';

function parseError(text: string): ValidationError {
  try {
    parseCondition(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseCondition', () => {
  it('parses absolute conditions with and without a metric', () => {
    expect(parseCondition('errorRate < 0.01')).toEqual({
      metric: 'errorRate',
      comparison: '<',
      operand: { kind: 'number', literal: { value: 0.01 } },
    });
    expect(parseCondition('< 0.05')).toEqual({
      comparison: '<',
      operand: { kind: 'number', literal: { value: 0.05 } },
    });
    expect(parseCondition('successRate>=0.99')).toEqual({
      metric: 'successRate',
      comparison: '>=',
      operand: { kind: 'number', literal: { value: 0.99 } },
    });
    expect(parseCondition('requests > 100').operand).toEqual({ kind: 'number', literal: { value: 100 } });
    expect(parseCondition('x != -1.5e3').operand).toEqual({ kind: 'number', literal: { value: -1500 } });
  });

  it('parses units', () => {
    expect(parseCondition('p95 < 300ms').operand).toEqual({
      kind: 'number',
      literal: { value: 300, unit: 'ms' },
    });
    expect(parseCondition('p99 <= 1.5s').operand).toEqual({
      kind: 'number',
      literal: { value: 1.5, unit: 's' },
    });
    expect(parseCondition('successRate >= 99%').operand).toEqual({
      kind: 'number',
      literal: { value: 99, unit: '%' },
    });
  });

  it('parses relative conditions against the stable version', () => {
    expect(parseCondition('errorRate <= stable + 0.01')).toEqual({
      metric: 'errorRate',
      comparison: '<=',
      operand: { kind: 'stable', operator: '+', literal: { value: 0.01 } },
    });
    expect(parseCondition('p99 < stable * 1.2').operand).toEqual({
      kind: 'stable',
      operator: '*',
      literal: { value: 1.2 },
    });
    expect(parseCondition('p99 < stable - 5ms').operand).toEqual({
      kind: 'stable',
      operator: '-',
      literal: { value: 5, unit: 'ms' },
    });
    expect(parseCondition('== stable').operand).toEqual({ kind: 'stable' });
  });

  it('reports the column of the problem', () => {
    const cases: [string, number, RegExp][] = [
      ['errorRate 0.01', 11, /expected one of < <= > >= == !=/],
      ['errorRate < ', 13, /end of condition/],
      ['errorRate = 0.01', 11, /single "="/],
      ['p95 < 300 ms', 11, /expected end of condition but found "ms"/],
      ['p95 < 300msx', 10, /expected end of condition but found "msx"/],
      ['errorRate < stable +', 21, /expected a number/],
      ['errorRate < stable / 2', 20, /unexpected character "\/"/],
      ['errorRate < foo', 13, /unknown name "foo"/],
      ['stable < 1', 1, /"stable" cannot be the metric/],
      ['errorRate < 1e999', 13, /out of range/],
      ['errorRate < 0.1 0.2', 17, /expected end of condition/],
      ['', 1, /a metric name or one of/],
    ];
    for (const [text, column, message] of cases) {
      const error = parseError(text);
      expect({ text, column: error.location.column }).toEqual({ text, column });
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`at column ${column}`);
      expect(error.exitCode).toBe(2);
    }
  });

  it('never throws anything but a ValidationError on random input', () => {
    const alphabet = fc.constantFrom(...'errorRatep95<>=!stable+-*0123456789.%ms \t_eE()'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 30 })), (text) => {
        try {
          const parsed = parseCondition(text);
          // Whatever parses prints and parses back to the same thing.
          expect(parseCondition(printCondition(parsed))).toEqual(parsed);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          expect(error.location.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips printed conditions', () => {
    const literal: fc.Arbitrary<NumberLiteral> = fc
      .record({
        value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
        unit: fc.option(fc.constantFrom<ConditionUnit>('ms', 's', '%'), { nil: undefined }),
      })
      .map(({ value, unit }) => (unit === undefined ? { value } : { value, unit }));
    const condition: fc.Arbitrary<Condition> = fc
      .record({
        metric: fc.option(
          fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/).filter((m) => m !== 'stable'),
          { nil: undefined },
        ),
        comparison: fc.constantFrom<Comparison>('<', '<=', '>', '>=', '==', '!='),
        operand: fc.oneof(
          literal.map((l) => ({ kind: 'number' as const, literal: l })),
          fc.constant({ kind: 'stable' as const }),
          fc
            .record({ operator: fc.constantFrom<StableOperator>('+', '-', '*'), literal })
            .map((o) => ({ kind: 'stable' as const, ...o })),
        ),
      })
      .map(({ metric, ...rest }) => (metric === undefined ? rest : { metric, ...rest }));
    fc.assert(
      fc.property(condition, (c) => {
        expect(parseCondition(printCondition(c))).toEqual(c);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('evaluateCondition', () => {
  const judge = (text: string, value: number | undefined, stable?: number): string =>
    evaluateCondition(parseCondition(text), value, stable).outcome;

  it('compares absolute thresholds, with units normalised to ms and ratios', () => {
    expect(judge('errorRate < 0.05', 0.01)).toBe('pass');
    expect(judge('errorRate < 0.05', 0.31)).toBe('fail');
    expect(judge('p95 < 300ms', 299)).toBe('pass');
    expect(judge('p95 < 0.3s', 301)).toBe('fail');
    expect(judge('successRate >= 99%', 0.99)).toBe('pass');
    expect(judge('successRate >= 99%', 0.98)).toBe('fail');
    expect(judge('requests > 100', 100)).toBe('fail');
    expect(judge('== 1', 1)).toBe('pass');
    expect(judge('!= 1', 1)).toBe('fail');
    expect(judge('<= 1', 1)).toBe('pass');
    expect(judge('> 1', 2)).toBe('pass');
  });

  it('compares against the stable version', () => {
    expect(judge('errorRate <= stable + 0.01', 0.015, 0.01)).toBe('pass');
    expect(judge('errorRate <= stable + 0.01', 0.03, 0.01)).toBe('fail');
    expect(evaluateCondition(parseCondition('p99 < stable * 1.2'), 130, 100)).toEqual({
      outcome: 'fail',
      threshold: 120,
    });
    expect(judge('p99 < stable - 5ms', 90, 100)).toBe('pass');
    expect(judge('<= stable', 5, 5)).toBe('pass');
  });

  it('is inconclusive without data', () => {
    expect(judge('errorRate < 0.05', undefined)).toBe('inconclusive');
    expect(judge('errorRate < 0.05', Number.NaN)).toBe('inconclusive');
    const noStable = evaluateCondition(parseCondition('errorRate <= stable + 0.01'), 0.01, undefined);
    expect(noStable).toEqual({
      outcome: 'inconclusive',
      reason: 'the stable version has no value to compare with',
    });
  });
});
