import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { coerceLike, mergeLayers, parseSetFlag, setFlagLayers } from '../../src/config/index.js';
import { EdsError } from '../../src/errors/index.js';
import { edsErrorOf } from './helpers.js';

describe('--set KEY=VALUE', () => {
  it('splits dotted keys and keeps everything after the first =', () => {
    expect(parseSetFlag('db.pool.max=10')).toEqual({ path: ['db', 'pool', 'max'], value: '10' });
    expect(parseSetFlag('URL=http://x/?a=b')).toEqual({ path: ['URL'], value: 'http://x/?a=b' });
    expect(parseSetFlag('dotted\\.key=1')).toEqual({ path: ['dotted.key'], value: '1' });
    expect(parseSetFlag('EMPTY=')).toEqual({ path: ['EMPTY'], value: '' });
  });

  it('rejects malformed flags', async () => {
    for (const bad of ['novalue', '=x', 'a..b=1', 'a b=1', '$patch=delete', 'a.=1']) {
      expect((await edsErrorOf(() => parseSetFlag(bad))).code).toBe('INVALID_SET_FLAG');
    }
  });

  it('takes the type of the value it overrides (no Helm-style 1.10 → 1.1)', () => {
    expect(coerceLike(0, '0.3')).toBe(0.3);
    expect(coerceLike(true, 'false')).toBe(false);
    expect(coerceLike('1.9', '1.10')).toBe('1.10');
    expect(coerceLike(undefined, '42')).toBe('42');
    expect(coerceLike(3, 'three')).toBe('three');
  });

  it('builds layers that merge over the current values, later flags winning', () => {
    const current = { FAIL_RATE: 0, db: { port: 5432, host: 'a' } };
    const merged = mergeLayers(
      setFlagLayers(['FAIL_RATE=0.3', 'db.port=6543', 'db.host=b', 'db.host=c'], current),
      {
        value: current,
        origins: mergeLayers([]).origins,
      },
    );
    expect(merged.value).toEqual({ FAIL_RATE: 0.3, db: { port: 6543, host: 'c' } });
  });

  it('a flag clashing with a map names the flag', async () => {
    const error = await edsErrorOf(() =>
      mergeLayers(
        setFlagLayers(['db=flat'], {}),
        mergeLayers([{ value: { db: { a: 1 } }, source: { file: 'base.yaml', prefix: [] } }]),
      ),
    );
    expect(error.code).toBe('CONFIG_TYPE_CLASH');
    expect(error.message).toContain('--set db');
  });

  it('never throws anything but an EdsError (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, value) => {
        try {
          setFlagLayers([`${key}=${value}`], {});
          parseSetFlag(key);
        } catch (error) {
          if (!(error instanceof EdsError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any well-formed key (property)', () => {
    const segment = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.string(), (path, value) => {
        expect(parseSetFlag(`${path.join('.')}=${value}`)).toEqual({ path, value });
      }),
    );
  });
});
