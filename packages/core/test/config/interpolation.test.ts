import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { interpolateString, mergeLayers, parseTemplate, type Scope } from '../../src/config/index.js';
import { ConfigResolver } from '../../src/config/interpolation/config-resolver.js';
import { parseYamlDocument } from '../../src/model/index.js';
import { EdsError } from '../../src/errors/index.js';
import { edsErrorOf } from './helpers.js';

const context = {
  app: { name: 'shop' },
  deployment: { id: 'shop.prod.20240101000000000.abcd', environment: 'prod', tier: 'PROD' },
  components: { api: { version: '1.2.3', image: 'r/api:1.2.3', replicas: 2, port: 8080 } },
  strategy: { type: 'CANARY', track: 'canary', suffix: '-canary' },
};

function resolveYaml(text: string, file = 'config/base.yaml'): Record<string, unknown> {
  const { value, position } = parseYamlDocument(text, file);
  const merged = mergeLayers([
    { value: value as Record<string, unknown>, source: { file, prefix: [], position } },
  ]);
  return new ConfigResolver(merged.value, merged.origins, context).resolveAll();
}

describe('interpolation', () => {
  it('reads config, deployment, components, app and strategy', () => {
    const values = resolveYaml(
      [
        'host: db.internal',
        'url: "postgres://${{ config.host }}:5432/${{ app.name }}"',
        'who: "${{ deployment.environment }}/${{ deployment.tier }}/${{ deployment.id }}"',
        'version: ${{ components.api.version }}',
        'name: "api${{ strategy.suffix }}"',
        'port: ${{ components.api.port }}',
        'portText: ${{ string(components.api.port) }}',
        'loud: ${{ upper(app.name) }}',
        "fallback: ${{ config.missing || config.alsoMissing || 'dflt' }}",
        "quoted: ${{ 'it''s' }}",
        'literal: "${{ \'${{ not evaluated }}\' }}"',
        'map: ${{ config.nested }}',
        'nested: { a: "${{ config.host }}", list: [1, "${{ app.name }}"] }',
      ].join('\n'),
    );
    expect(values).toMatchObject({
      url: 'postgres://db.internal:5432/shop',
      who: 'prod/PROD/shop.prod.20240101000000000.abcd',
      version: '1.2.3',
      name: 'api-canary',
      port: 8080,
      portText: '8080',
      loud: 'SHOP',
      fallback: 'dflt',
      quoted: "it's",
      literal: '${{ not evaluated }}',
      map: { a: 'db.internal', list: [1, 'shop'] },
    });
  });

  it('reports an unknown reference with file, line and the path tried', async () => {
    const error = await edsErrorOf(() => resolveYaml('a: 1\nb:\n  c: "x-${{ config.nope.deeper }}"\n'));
    expect(error.code).toBe('UNKNOWN_REFERENCE');
    expect(error.location.file).toBe('config/base.yaml');
    expect(error.location.line).toBe(3);
    expect(error.location.path).toBe('b.c');
    expect(error.message).toContain('config.nope.deeper');
    expect(error.message).toContain('config has: a, b');
  });

  it('reports an unknown root and refuses to interpolate secrets', async () => {
    expect((await edsErrorOf(() => resolveYaml('a: ${{ process.env.HOME }}'))).message).toContain(
      'no such root "process"',
    );
    expect((await edsErrorOf(() => resolveYaml('a: ${{ secrets.TOKEN }}'))).code).toBe(
      'SECRET_INTERPOLATION',
    );
  });

  it('reports a cycle with its whole chain', async () => {
    const error = await edsErrorOf(() =>
      resolveYaml('a: "${{ config.b }}"\nb: "${{ config.c }}"\nc: "${{ config.a }}"\n'),
    );
    expect(error.code).toBe('CYCLIC_INTERPOLATION');
    expect(error.message).toContain('config.a → config.b → config.c → config.a');
    expect(error.location.file).toBe('config/base.yaml');
    const self = await edsErrorOf(() => resolveYaml('a: "${{ config.a }}"'));
    expect(self.message).toContain('config.a → config.a');
  });

  it('rejects a map inside text and bad syntax with a location', async () => {
    expect((await edsErrorOf(() => resolveYaml('m: {x: 1}\nt: "a ${{ config.m }}"'))).code).toBe(
      'INVALID_EXPRESSION',
    );
    const syntax = await edsErrorOf(() => resolveYaml('a: 1\nt: "${{ config.a "'));
    expect(syntax.code).toBe('INVALID_EXPRESSION');
    expect(syntax.location.line).toBe(2);
    expect((await edsErrorOf(() => resolveYaml('t: ${{ eval(1) }}'))).message).toContain('unknown function');
  });

  it('parses text without expressions as one text part', () => {
    expect(parseTemplate('plain $ {{ text }}')).toEqual([{ kind: 'text', text: 'plain $ {{ text }}' }]);
  });

  it('the parser never throws anything but an EdsError (property)', () => {
    const pieces = fc.constantFrom(
      '${{',
      '}}',
      ' ',
      'config',
      '.',
      'a',
      '||',
      "'",
      '"',
      '(',
      ')',
      '[',
      ']',
      '0',
      'string',
      '\\',
      '-',
    );
    const scope: Scope = { roots: ['config'], get: () => 'x' };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')),
        ),
        (text) => {
          try {
            parseTemplate(text);
            interpolateString(text, scope, { source: undefined, path: [] });
          } catch (error) {
            if (!(error instanceof EdsError)) throw error;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
