import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { diffLines, unifiedDiff } from '../../src/config/index.js';

describe('line diff', () => {
  it('produces a minimal script that rebuilds both sides (property)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const script = diffLines(a, b);
        expect(script.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a);
        expect(script.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b);
        // Minimal: the kept lines are a longest common subsequence.
        const lcs = (x: string[], y: string[]): number => {
          const t = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
          for (let i = 1; i <= x.length; i += 1)
            for (let j = 1; j <= y.length; j += 1)
              t[i][j] = x[i - 1] === y[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
          return t[x.length][y.length];
        };
        expect(script.filter((l) => l.op === ' ').length).toBe(lcs(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('formats hunks like diff -u', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const b = [...a];
    b[2] = 'changed 3';
    b.splice(15, 1);
    expect(unifiedDiff(`${a.join('\n')}\n`, `${b.join('\n')}\n`, 'old', 'new')).toBe(
      [
        '--- old',
        '+++ new',
        '@@ -1,6 +1,6 @@',
        ' line 1',
        ' line 2',
        '-line 3',
        '+changed 3',
        ' line 4',
        ' line 5',
        ' line 6',
        '@@ -13,7 +13,6 @@',
        ' line 13',
        ' line 14',
        ' line 15',
        '-line 16',
        ' line 17',
        ' line 18',
        ' line 19',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff('same\n', 'same\n', 'a', 'b')).toBe('');
    expect(unifiedDiff('', 'new\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n');
  });
});
