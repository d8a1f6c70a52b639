import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import {
  definePipeline,
  GENERIC_STEP_KINDS,
  parsePipelineFile,
  resolveKind,
} from '../../src/pipeline/index.js';
import { noop, oneStage } from './helpers.js';

const KINDS = { ...GENERIC_STEP_KINDS, noop };

function parseError(text: string): ValidationError {
  try {
    parsePipelineFile(text, 'pipe.yaml', KINDS);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const GOOD = `
name: build-and-ship
concurrency: 2
inputs: { env: staging }
stages:
  - id: build
    steps:
      - { id: compile, kind: run, with: { command: "echo compiled" }, timeout: 30s }
      - id: test
        kind: run
        needs: [compile]
        with: { command: "echo ok" }
        retries: { max: 2, backoff: 500ms, maxBackoff: 5s }
  - id: ship
    steps:
      - id: tell
        kind: notify
        if: "steps.test.status == 'COMPLETED' && inputs.env != 'prod'"
        with: { message: shipped }
        continueOnError: true
`;

describe('pipeline definition', () => {
  it('parses a valid file: durations in ms, conditions parsed, stages in order', () => {
    const pipeline = parsePipelineFile(GOOD, 'pipe.yaml', KINDS);
    expect(pipeline.stages.map((s) => s.id)).toEqual(['build', 'ship']);
    const test = pipeline.steps.get('test');
    expect(test?.definition.retries).toEqual({ max: 2, backoff: 500, maxBackoff: 5000 });
    expect(pipeline.steps.get('compile')?.definition.timeout).toBe(30_000);
    expect(pipeline.steps.get('tell')?.condition?.type).toBe('binary');
    expect(pipeline.steps.get('tell')?.conditionScope).toBe('previous-stage');
  });

  it('names the cycle of cyclic needs', () => {
    const error = parseError(`
name: loop
stages:
  - id: s
    steps:
      - { id: a, kind: noop, needs: [c] }
      - { id: b, kind: noop, needs: [a] }
      - { id: c, kind: noop, needs: [b] }
`);
    expect(error.message).toContain('a -> c -> b -> a');
    expect(error.location).toMatchObject({ file: 'pipe.yaml', path: 'stages[0].steps[0].needs', line: 6 });
  });

  it('reports a step that needs itself as a cycle', () => {
    expect(() => definePipeline(oneStage([{ id: 'a', needs: ['a'] }]), KINDS)).toThrow('a -> a');
  });

  it('lists the known kinds for an unknown kind', () => {
    const error = parseError('name: x\nstages:\n  - id: s\n    steps:\n      - { id: a, kind: deploy }\n');
    expect(error.message).toBe('unknown step kind "deploy"; known kinds: noop, notify, run');
    expect(error.location).toMatchObject({ path: 'stages[0].steps[0].kind', line: 5 });
    expect(() => resolveKind(KINDS, 'nope')).toThrow('known kinds: noop, notify, run');
  });

  it('rejects an unknown need, with a suggestion', () => {
    const error = parseError(
      'name: x\nstages:\n  - id: s\n    steps:\n      - { id: build, kind: noop }\n      - { id: t, kind: noop, needs: [biuld] }\n',
    );
    expect(error.message).toBe('step "t" needs unknown step "biuld"; did you mean "build"?');
    expect(error.location).toMatchObject({ path: 'stages[0].steps[1].needs[0]', line: 6 });
  });

  it('rejects duplicate step ids (across stages too)', () => {
    const error = parseError(
      'name: x\nstages:\n  - id: s1\n    steps:\n      - { id: a, kind: noop }\n  - id: s2\n    steps:\n      - { id: a, kind: noop }\n',
    );
    expect(error.message).toBe('duplicate step id "a" (also stages[0].steps[0])');
    expect(error.location).toMatchObject({ path: 'stages[1].steps[0].id', line: 8 });
  });

  it('rejects a need on a later stage (it could never have finished)', () => {
    expect(() =>
      definePipeline(
        {
          name: 'x',
          stages: [
            { id: 's1', steps: [{ id: 'a', kind: 'noop', needs: ['b'] }] },
            { id: 's2', steps: [{ id: 'b', kind: 'noop' }] },
          ],
        },
        KINDS,
      ),
    ).toThrow('step "a" needs "b" of the later stage "s2"');
  });

  it('shows the position of an expression error with a caret, and the line of the field', () => {
    const error = parseError(
      'name: x\nstages:\n  - id: s\n    steps:\n      - { id: a, kind: noop }\n      - { id: b, kind: noop, needs: [a], if: "steps.a.status == = \'x\'" }\n',
    );
    expect(error.message).toContain('unexpected character "=" (use == to compare) at column 19');
    expect(error.message).toContain(`  steps.a.status == = 'x'\n  ${' '.repeat(18)}^`);
    expect(error.location).toMatchObject({ path: 'stages[0].steps[1].if', line: 6 });
  });

  it('rejects a condition that reads a step it does not need', () => {
    const error = parseError(
      'name: x\nstages:\n  - id: s\n    steps:\n      - { id: a, kind: noop }\n      - { id: b, kind: noop, if: "steps.a.status == \'COMPLETED\'" }\n',
    );
    expect(error.message).toContain('condition reads steps.a, which step "b" does not need');
  });

  it('checks `with:` through the kind, naming the field', () => {
    const error = parseError(
      'name: x\nstages:\n  - id: s\n    steps:\n      - { id: a, kind: run, with: { cmd: ls } }\n',
    );
    expect(error.location.path).toBe('stages[0].steps[0].with.command');
    expect(error.message).toContain('is required');
    expect(error.describe()).toContain('stages[0].steps[0].with.command: is required');
  });

  it('names the field and line of a schema error (bad duration, unknown field)', () => {
    const error = parseError(
      'name: x\nstages:\n  - id: s\n    steps:\n      - id: a\n        kind: noop\n        timeout: soon\n',
    );
    expect(error.message).toContain('invalid duration "soon"');
    expect(error.location).toMatchObject({ file: 'pipe.yaml', path: 'stages[0].steps[0].timeout', line: 7 });
    const unknown = parseError(
      'name: x\nstages:\n  - id: s\n    steps:\n      - { id: a, kind: noop, need: [b] }\n',
    );
    expect(unknown.message).toContain('did you mean "needs"');
  });

  it('refuses empty and malformed files with a ValidationError', () => {
    expect(() => parsePipelineFile('', 'p.yaml', KINDS)).toThrow('the file is empty');
    expect(parseError('name: [unclosed\n').code).toBe('MALFORMED_YAML');
  });

  it('fast-check: any document gives a pipeline or an EDS ValidationError, nothing else', () => {
    const step = fc.record(
      {
        id: fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), fc.string()),
        kind: fc.constantFrom('noop', 'run', 'notify', 'bogus'),
        needs: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'zz'), { maxLength: 3 }),
        if: fc.oneof(fc.string(), fc.constantFrom("steps.a.status == 'COMPLETED'", 'failure()', 'always()')),
        timeout: fc.oneof(fc.string(), fc.nat()),
        with: fc.anything(),
      },
      { requiredKeys: ['id'] },
    );
    const doc = fc.oneof(
      fc.anything(),
      fc.record({
        name: fc.string(),
        stages: fc.array(
          fc.record({ id: fc.constantFrom('s1', 's2'), steps: fc.array(step, { maxLength: 4 }) }),
          { maxLength: 3 },
        ),
      }),
    );
    fc.assert(
      fc.property(doc, (value) => {
        try {
          definePipeline(value, KINDS);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parsePipelineFile(text, 'p.yaml', KINDS);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
