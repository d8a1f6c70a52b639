import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/errors/index.js';
import {
  evaluateExpression,
  formatExpression,
  MAX_EXPRESSION_DEPTH,
  parseExpression,
  type Expression,
  type ExpressionContext,
} from '../../src/pipeline/index.js';

const CONTEXT: ExpressionContext = {
  steps: {
    build: { status: 'COMPLETED', outputs: { version: '1.4.2', code: '0', tags: ['a', 'B'] } },
    'deploy-web': { status: 'FAILED', outputs: {} },
  },
  inputs: { env: 'prod', replicas: 3, dry: false },
  environment: { tier: 'PROD' },
  status: { success: true, failure: false, cancelled: false },
};

function run(text: string, context: ExpressionContext = CONTEXT): unknown {
  return evaluateExpression(parseExpression(text), context);
}

function errorOf(text: string): ValidationError {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('expression language', () => {
  it('evaluates property paths, comparisons and logic', () => {
    expect(run("steps.build.status == 'COMPLETED'")).toBe(true);
    expect(run("steps.build.outputs.version == '1.4.2' && inputs.env != 'dev'")).toBe(true);
    expect(run('inputs.replicas >= 3 && inputs.replicas < 4')).toBe(true);
    expect(run("steps['deploy-web'].status == 'FAILED'")).toBe(true);
    expect(run("steps.deploy-web.status == 'FAILED'")).toBe(true);
    expect(run('steps.build.outputs.code == 0')).toBe(true); // outputs of shell steps are strings
    expect(run('!inputs.dry || false')).toBe(true);
    expect(run("(inputs.env == 'prod' || inputs.env == 'staging') && environment.tier == 'PROD'")).toBe(true);
    expect(run('steps.nothing.outputs.x == null')).toBe(true);
    expect(run("'b' > 'a' && 2 > 10")).toBe(false);
    expect(run("'it''s' == 'it''s'")).toBe(true);
    expect(run('steps.build.outputs.tags[1]')).toBe('B');
  });

  it('has the status functions and contains/startsWith (case-insensitive, as in GitHub Actions)', () => {
    expect(run('success()')).toBe(true);
    expect(run('failure()')).toBe(false);
    expect(run('always()')).toBe(true);
    expect(run('cancelled()')).toBe(false);
    expect(run('success()', { ...CONTEXT, status: { success: true, failure: false, cancelled: true } })).toBe(
      false,
    );
    expect(run("contains(steps.build.outputs.version, '.4.')")).toBe(true);
    expect(run("contains(steps.build.outputs.tags, 'b')")).toBe(true);
    expect(run("startsWith(environment.tier, 'pr')")).toBe(true);
    expect(run("startsWith(inputs.env, 'x')")).toBe(false);
  });

  it('accepts the ${{ }} wrapper GitHub users write', () => {
    expect(run("${{ inputs.env == 'prod' }}")).toBe(true);
    expect(errorOf('${{ inputs.env == }}').message).toContain('at column 19');
  });

  it.each([
    ["inputs.env == 'prod", 'unterminated string', 15],
    ['inputs.env == "prod"', 'strings use single quotes', 15],
    ['inputs.env = 1', 'use == to compare', 12],
    ['(success()', 'expected ")"', 11],
    ['succes()', 'unknown function "succes"; did you mean "success"?', 1],
    ['contains(a)', 'unknown name "a"', 10],
    ["contains('a')", 'contains() takes 2 arguments, got 1', 1],
    ['input.env', 'did you mean "inputs"?', 1],
    ['steps.', 'expected a property name', 7],
    ['a &&', 'unknown name "a"', 1],
    ['success() &&', 'expected a value', 13],
    ['', 'empty expression', 1],
    ['1 2', 'unexpected "2"', 3],
    ['steps[x]', 'expected a quoted name or an index', 7],
  ])('rejects %p with %p at column %p', (text, problem, column) => {
    const error = errorOf(text);
    expect(error.code).toBe('INVALID_EXPRESSION');
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`at column ${column}`);
    expect(error.location.column).toBe(column);
    const [, shown, caret] = error.message.split('\n');
    expect(shown).toBe(`  ${text}`);
    expect(caret).toBe(`  ${' '.repeat(column - 1)}^`);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = `${'('.repeat(5000)}true${')'.repeat(5000)}`;
    expect(errorOf(deep).message).toMatch(/longer than|nested more than/);
    expect(errorOf(`${'!'.repeat(MAX_EXPRESSION_DEPTH + 5)}true`).message).toContain('nested more than');
  });

  it('fast-check: random text never throws anything but an EDS ValidationError', () => {
    const alphabet = fc.constantFrom(
      ...'steps.build.status=!<>&|()[]\'" ,01-success()failure()contains(inputs.env'.split(''),
    );
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: alphabet, maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (source) => {
        try {
          const expression = parseExpression(source);
          evaluateExpression(expression, CONTEXT);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fast-check: generated expressions round-trip through format and parse', () => {
    const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
    const literal = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -1000, max: 1000 }),
      fc
        .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
        .filter((n) => !Object.is(n, -0)),
      fc.boolean(),
      fc.constant(null),
    );
    const { expression } = fc.letrec<{ expression: Expression }>((tie) => ({
      expression: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        literal.map((value): Expression => ({ type: 'literal', value, at: 0 })),
        fc
          .tuple(
            fc.constantFrom('steps', 'inputs', 'environment' as const),
            fc.array(fc.oneof(identifier, fc.nat(5), fc.string({ maxLength: 5 })), { maxLength: 3 }),
          )
          .map(([root, properties]): Expression =>
            properties.reduce<Expression>(
              (object, property) => ({ type: 'member', object, property, at: 0 }),
              { type: 'identifier', name: root, at: 0 },
            ),
          ),
        fc
          .constantFrom('success', 'failure', 'always', 'cancelled' as const)
          .map((name): Expression => ({ type: 'call', name, args: [], at: 0 })),
        fc
          .tuple(fc.constantFrom('contains', 'startsWith' as const), tie('expression'), tie('expression'))
          .map(([name, a, b]): Expression => ({ type: 'call', name, args: [a, b], at: 0 })),
        tie('expression').map((operand): Expression => ({ type: 'not', operand, at: 0 })),
        fc
          .tuple(
            fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '&&', '||' as const),
            tie('expression'),
            tie('expression'),
          )
          .map(([operator, left, right]): Expression => ({ type: 'binary', operator, left, right, at: 0 })),
      ),
    }));
    const withoutPositions = (node: Expression): unknown =>
      JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'at' ? undefined : value)));
    fc.assert(
      fc.property(expression, (tree) => {
        const text = formatExpression(tree);
        if (text.length > 4000) return;
        let parsed: Expression;
        try {
          parsed = parseExpression(text);
        } catch (error) {
          // Only the nesting limit may refuse a generated tree.
          expect((error as Error).message).toContain('nested more than');
          return;
        }
        expect(withoutPositions(parsed)).toEqual(withoutPositions(tree));
        expect(formatExpression(parsed)).toBe(text);
        evaluateExpression(parsed, CONTEXT);
      }),
      { numRuns: 1500 },
    );
  });
});
