import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import {
  parseJsonPath,
  printJsonPath,
  selectJsonPath,
  type JsonPathSegment,
} from '../../src/analysis/index.js';

describe('JSON paths', () => {
  it('parses the usual forms', () => {
    expect(parseJsonPath('$.data.value')).toEqual([
      { kind: 'key', key: 'data' },
      { kind: 'key', key: 'value' },
    ]);
    expect(parseJsonPath('a.b[0].c')).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'key', key: 'b' },
      { kind: 'index', index: 0 },
      { kind: 'key', key: 'c' },
    ]);
    expect(parseJsonPath(`$['with space']["q\\"uote"][-1]`)).toEqual([
      { kind: 'key', key: 'with space' },
      { kind: 'key', key: 'q"uote' },
      { kind: 'index', index: -1 },
    ]);
    expect(parseJsonPath('$')).toEqual([]);
  });

  it('points at the problem', () => {
    const cases: [string, number][] = [
      ['', 1],
      ['$.', 3],
      ['a..b', 3],
      ['a[x]', 3],
      ['a[0', 4],
      ["a['b", 5],
      ['$a', 2],
    ];
    for (const [text, column] of cases) {
      try {
        parseJsonPath(text);
        throw new Error(`${text} parsed`);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect({ text, column: (error as ValidationError).location.column }).toEqual({ text, column });
      }
    }
  });

  it('selects values and reports where the document stopped matching', () => {
    const doc = { data: { value: 0.5, list: [1, 2, { c: 3 }] } };
    expect(selectJsonPath(doc, parseJsonPath('$.data.value'))).toEqual({ found: true, value: 0.5 });
    expect(selectJsonPath(doc, parseJsonPath('data.list[2].c'))).toEqual({ found: true, value: 3 });
    expect(selectJsonPath(doc, parseJsonPath('data.list[-1].c'))).toEqual({ found: true, value: 3 });
    expect(selectJsonPath(doc, parseJsonPath('data.list[5]'))).toEqual({
      found: false,
      missingAt: '$.data.list[5]',
    });
    expect(selectJsonPath(doc, parseJsonPath('data.value.x'))).toEqual({
      found: false,
      missingAt: '$.data.value.x',
    });
    expect(selectJsonPath(doc, parseJsonPath('data.toString'))).toEqual({
      found: false,
      missingAt: '$.data.toString',
    });
  });

  const segment: fc.Arbitrary<JsonPathSegment> = fc.oneof(
    fc.string({ maxLength: 8 }).map((key) => ({ kind: 'key' as const, key })),
    fc.integer({ min: -50, max: 1000 }).map((index) => ({ kind: 'index' as const, index })),
  );

  it('round-trips printed paths', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        expect(parseJsonPath(printJsonPath(segments))).toEqual(segments);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but a ValidationError', () => {
    const chars = fc.constantFrom(...'$.[]\'"\\ab0-1 '.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars, maxLength: 15 })), (text) => {
        try {
          parseJsonPath(text);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
