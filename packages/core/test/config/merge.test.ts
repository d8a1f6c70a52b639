import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, mergeLayers, type Layer } from '../../src/config/index.js';
import { EdsError } from '../../src/errors/index.js';
import { edsErrorOf } from './helpers.js';

const layer = (file: string, value: Record<string, unknown>): Layer => ({
  value,
  source: { file, prefix: [] },
});
const merge = (...layers: Layer[]): Record<string, unknown> => mergeLayers(layers).value;

describe('mergeLayers', () => {
  it('deep-merges maps; later layers win', () => {
    expect(
      merge(
        layer('base.yaml', { db: { host: 'localhost', port: 5432 }, log: 'info' }),
        layer('prod.yaml', { db: { host: 'db.prod' }, log: 'warn' }),
      ),
    ).toEqual({ db: { host: 'db.prod', port: 5432 }, log: 'warn' });
  });

  it('merges lists of named items by name, keeping order and appending new ones', () => {
    const result = merge(
      layer('base.yaml', {
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      }),
      layer('prod.yaml', {
        env: [
          { name: 'C', value: '3' },
          { name: 'A', value: 'one' },
        ],
      }),
    );
    expect(result.env).toEqual([
      { name: 'A', value: 'one' },
      { name: 'B', value: '2' },
      { name: 'C', value: '3' },
    ]);
  });

  it('replaces other lists', () => {
    expect(merge(layer('a', { hosts: ['a', 'b'] }), layer('b', { hosts: ['c'] })).hosts).toEqual(['c']);
  });

  it('$patch: delete removes a key and a named item', () => {
    const result = merge(
      layer('base.yaml', { a: 1, b: { c: 2 }, ports: [{ name: 'http' }, { name: 'debug' }] }),
      layer('prod.yaml', { b: { $patch: 'delete' }, ports: [{ name: 'debug', $patch: 'delete' }] }),
    );
    expect(result).toEqual({ a: 1, ports: [{ name: 'http' }] });
  });

  it('$patch: replace replaces a map instead of merging, and a named list when first', () => {
    const result = merge(
      layer('base.yaml', { limits: { cpu: '1', memory: '1Gi' }, env: [{ name: 'A' }, { name: 'B' }] }),
      layer('prod.yaml', {
        limits: { $patch: 'replace', cpu: '2' },
        env: [{ $patch: 'replace' }, { name: 'C' }],
      }),
    );
    expect(result).toEqual({ limits: { cpu: '2' }, env: [{ name: 'C' }] });
  });

  it('reports a map over a list as a type clash naming both files and the path', async () => {
    const error = await edsErrorOf(() =>
      merge(
        layer('config/base.yaml', { db: { hosts: ['a'] } }),
        layer('config/prod.yaml', { db: { hosts: { primary: 'a' } } }),
      ),
    );
    expect(error.code).toBe('CONFIG_TYPE_CLASH');
    expect(error.message).toContain('config/base.yaml');
    expect(error.message).toContain('config/prod.yaml');
    expect(error.location.path).toBe('db.hosts');
    expect(error.location.file).toBe('config/prod.yaml');
  });

  it('reports a scalar over a map as a clash, and an invalid $patch', async () => {
    expect((await edsErrorOf(() => merge(layer('a', { x: { y: 1 } }), layer('b', { x: 'flat' })))).code).toBe(
      'CONFIG_TYPE_CLASH',
    );
    expect(
      (await edsErrorOf(() => merge(layer('a', { x: { y: 1 } }), layer('b', { x: { $patch: 'nuke' } }))))
        .code,
    ).toBe('INVALID_PATCH_DIRECTIVE');
    // Like a strategic merge patch, deleting what is not there is not an error (the base may have dropped it).
    expect(merge(layer('a', { y: 1 }), layer('b', { x: { $patch: 'delete' } }))).toEqual({ y: 1 });
    // A delete marker inside a list that is not merged by name has nothing to delete.
    expect(
      (await edsErrorOf(() => merge(layer('a', { l: [1] }), layer('b', { l: [{ $patch: 'delete' }] })))).code,
    ).toBe('INVALID_PATCH_DIRECTIVE');
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const result = merge(layer('a', value), layer('b', { ok: 1 }));
    expect(Object.keys(result).sort()).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((result as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('never throws anything but an EdsError, whatever the documents (property)', () => {
    const doc = fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('name', '$patch', '__proto__')),
      fc.jsonValue(),
      {
        maxKeys: 6,
      },
    );
    const named = fc.record(
      { name: fc.constantFrom('a', 'b', 'c'), $patch: fc.constantFrom('delete', 'replace', 'x') },
      { requiredKeys: ['name'] },
    );
    const withLists = fc.dictionary(
      fc.constantFrom('k', 'l', 'm'),
      fc.oneof(fc.array(named, { maxLength: 4 }), fc.jsonValue(), doc),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(doc, withLists), { minLength: 1, maxLength: 4 }), (docs) => {
        try {
          mergeLayers(docs.map((d, i) => layer(`f${i}.yaml`, d as Record<string, unknown>)));
        } catch (error) {
          if (!(error instanceof EdsError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result whatever the key order of the inputs (property)', () => {
    const shuffleKeys = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
      if (value && typeof value === 'object') {
        const keys = Object.keys(value);
        const order =
          seed % 2
            ? keys.reverse()
            : [...keys.slice(seed % (keys.length || 1)), ...keys.slice(0, seed % (keys.length || 1))];
        const out: Record<string, unknown> = {};
        for (const k of order)
          Object.defineProperty(out, k, {
            value: shuffleKeys((value as Record<string, unknown>)[k], seed),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return out;
      }
      return value;
    };
    const doc = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    fc.assert(
      fc.property(doc, doc, fc.nat(10), (a, b, seed) => {
        const run = (x: unknown, y: unknown): string => {
          try {
            return canonicalJson(
              mergeLayers([
                layer('a', x as Record<string, unknown>),
                layer('b', y as Record<string, unknown>),
              ]).value,
            );
          } catch (error) {
            return (error as EdsError).code;
          }
        };
        expect(run(shuffleKeys(a, seed), shuffleKeys(b, seed + 1))).toBe(run(a, b));
      }),
      { numRuns: 200 },
    );
  });
});
