import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { EdsError, environmentOf, parseSpec, ValidationError } from '../../src/index.js';

// A frozen copy of the example, so line numbers and paths in these tests do not move when the example grows.
const example = readFileSync(new URL('../../../../test/fixtures/specs/hello.yaml', import.meta.url), 'utf8');
const liveExample = readFileSync(new URL('../../../../examples/hello/eds.yaml', import.meta.url), 'utf8');

function problem(text: string): ValidationError {
  try {
    parseSpec(text, 'eds.yaml');
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('eds.yaml spec', () => {
  it('accepts the example and its frozen copy', () => {
    expect(parseSpec(liveExample, 'eds.yaml').name).toBe('hello');
    const spec = parseSpec(example, 'eds.yaml');
    expect(spec.name).toBe('hello');
    expect(Object.keys(spec.environments)).toEqual(['dev', 'staging', 'prod']);
    expect(environmentOf(spec, 'prod').strategy.type).toBe('CANARY');
  });

  it('reports malformed YAML with line and column', () => {
    const error = problem('apiVersion: eds/v1\nname: [a, b\ncomponents: }\n');
    expect(error.code).toBe('MALFORMED_YAML');
    expect(error.location.file).toBe('eds.yaml');
    expect(error.location.line).toBeGreaterThanOrEqual(2);
    expect(error.location.column).toBeGreaterThanOrEqual(1);
  });

  it('rejects unknown fields and suggests the nearest name', () => {
    const error = problem(example.replace('maxSurge', 'maxSurg'));
    expect(error.location.path).toBe('environments.dev.strategy.maxSurg');
    expect(error.message).toMatch(/did you mean "maxSurge"/);
    expect(error.location.line).toBe(16);
  });

  it('lists allowed values for a wrong enum', () => {
    const error = problem(example.replace('tier: STAGING', 'tier: STAGE'));
    expect(error.location.path).toBe('environments.staging.tier');
    expect(error.message).toContain('expected one of DEV, STAGING, PROD');
  });

  it('lists strategy types for a wrong strategy type', () => {
    const error = problem(example.replace('type: BLUE_GREEN', 'type: BLUEGREEN'));
    expect(error.location.path).toMatch(/^environments\.staging\.strategy/);
    expect(error.message).toMatch(/ROLLING.*BLUE_GREEN.*CANARY/);
  });

  it('rejects a non-semver version', () => {
    const error = problem(example.replace('version: 1.0.0', "version: '1.0'"));
    expect(error.location.path).toBe('components[0].version');
    expect(error.message).toMatch(/semantic version/);
  });

  it('rejects duplicate component names', () => {
    const dup = example.replace(
      'environments:',
      '  - name: web\n    version: 2.0.0\n    run: { command: node server.js }\nenvironments:',
    );
    const error = problem(dup);
    expect(error.location.path).toBe('components[1].name');
    expect(error.message).toMatch(/duplicate component name "web"/);
  });

  it('rejects canary weights that do not increase or exceed 100', () => {
    expect(problem(example.replace('setWeight: 50', 'setWeight: 10')).location.path).toBe(
      'environments.prod.strategy.steps[3].setWeight',
    );
    const over = problem(example.replace('setWeight: 100', 'setWeight: 120'));
    expect(over.location.path).toBe('environments.prod.strategy.steps[5].setWeight');
    expect(over.message).toMatch(/100/);
  });

  it('names the missing environment and the defined ones', () => {
    const spec = parseSpec(example, 'eds.yaml');
    expect(() => environmentOf(spec, 'qa', 'eds.yaml')).toThrow(
      /environment "qa" is not defined; defined: dev, staging, prod/,
    );
  });

  it('refuses a newer apiVersion instead of misreading it', () => {
    expect(problem(example.replace('apiVersion: eds/v1', 'apiVersion: eds/v2')).code).toBe(
      'UNSUPPORTED_API_VERSION',
    );
  });

  it('refuses a YAML bomb', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i += 1)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      );
    expect(problem(lines.join('\n')).code).toBe('MALFORMED_YAML');
  });

  it('never throws anything but the EDS error type on random documents (property)', () => {
    const anyYaml = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({
          apiVersion: fc.constantFrom('eds/v1', 'eds/v9', 'x'),
          name: fc.string(),
          components: fc.array(fc.record({ name: fc.string(), version: fc.string(), run: fc.anything() })),
          environments: fc.dictionary(fc.string(), fc.anything()),
        })
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(anyYaml, (text) => {
        try {
          parseSpec(text, 'random.yaml');
        } catch (error) {
          if (!(error instanceof EdsError)) throw error;
          expect(error.exitCode).toBe(2);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parses mutations of the example into a spec or a located EDS error (property)', () => {
    const lines = example.split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.length - 1 }), fc.string(), (index, junk) => {
        const mutated = [...lines];
        mutated[index] = `${mutated[index] ?? ''}${junk}`;
        try {
          parseSpec(mutated.join('\n'), 'eds.yaml');
        } catch (error) {
          if (!(error instanceof EdsError)) throw error;
          expect(error.location.file).toBe('eds.yaml');
        }
      }),
      { numRuns: 300 },
    );
  });
});
