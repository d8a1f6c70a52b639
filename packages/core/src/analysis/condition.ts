import { ValidationError } from '../errors/index.js';

/**
 * Analysis conditions: a tiny grammar, parsed by hand (never evaluated as code).
 *
 *   condition  := [metric] comparison operand
 *   comparison := '<' | '<=' | '>' | '>=' | '==' | '!='
 *   operand    := number [unit] | 'stable' [ ('+' | '-' | '*') number [unit] ]
 *   unit       := 'ms' | 's' | '%'
 *
 * e.g. `errorRate < 0.01`, `p95 < 300ms`, `< 0.05` (metric from the `metric` field), `successRate >= 99%`,
 * `errorRate <= stable + 0.01`, `p99 < stable * 1.2`.
 */

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type ConditionUnit = 'ms' | 's' | '%';
export type StableOperator = '+' | '-' | '*';

/** A number as written, with its unit; `valueOf` gives the normalised number. */
export interface NumberLiteral {
  value: number;
  unit?: ConditionUnit;
}

export type ConditionOperand =
  | { kind: 'number'; literal: NumberLiteral }
  | { kind: 'stable'; operator?: StableOperator; literal?: NumberLiteral };

export interface Condition {
  /** Metric named in the condition, if any (`errorRate` in `errorRate < 0.01`). */
  metric?: string;
  comparison: Comparison;
  operand: ConditionOperand;
}

export type ConditionOutcome = 'pass' | 'fail' | 'inconclusive';

export interface ConditionResult {
  outcome: ConditionOutcome;
  /** The number the value was compared with (for relative conditions: computed from the stable value). */
  threshold?: number;
  /** Why the outcome is inconclusive. */
  reason?: string;
}

const COMPARISONS: readonly Comparison[] = ['<=', '>=', '==', '!=', '<', '>'];
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const UNIT = /(ms|s|%)(?![A-Za-z0-9_])/y;

type Token =
  | { type: 'identifier'; text: string; column: number }
  | { type: 'number'; literal: NumberLiteral; column: number }
  | { type: 'comparison'; text: Comparison; column: number }
  | { type: 'arithmetic'; text: StableOperator; column: number }
  | { type: 'end'; column: number };

function conditionError(text: string, column: number, message: string, expected?: string): ValidationError {
  // The caret line makes the column visible in a terminal; the column is also kept as structured data.
  const pointer = `\n  ${text}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
  return new ValidationError(`condition ${JSON.stringify(text)}: ${message} at column ${column}${pointer}`, {
    code: 'INVALID_CONDITION',
    column,
    ...(expected === undefined ? {} : { expected }),
  });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    const column = i + 1;
    IDENTIFIER.lastIndex = i;
    const identifier = IDENTIFIER.exec(text);
    if (identifier) {
      tokens.push({ type: 'identifier', text: identifier[0], column });
      i = IDENTIFIER.lastIndex;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) throw conditionError(text, column, `number ${number[0]} is out of range`);
      i = NUMBER.lastIndex;
      UNIT.lastIndex = i;
      const unit = UNIT.exec(text);
      if (unit) i = UNIT.lastIndex;
      tokens.push({
        type: 'number',
        literal: unit ? { value, unit: unit[1] as ConditionUnit } : { value },
        column,
      });
      continue;
    }
    const comparison = COMPARISONS.find((op) => text.startsWith(op, i));
    if (comparison) {
      tokens.push({ type: 'comparison', text: comparison, column });
      i += comparison.length;
      continue;
    }
    if (ch === '+' || ch === '-' || ch === '*') {
      tokens.push({ type: 'arithmetic', text: ch, column });
      i++;
      continue;
    }
    if (ch === '=') throw conditionError(text, column, 'single "=" is not an operator', '== or !=');
    throw conditionError(text, column, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ type: 'end', column: text.length + 1 });
  return tokens;
}

const OPERATORS_TEXT = 'one of < <= > >= == !=';

function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of condition';
    case 'number':
      return `number ${printLiteral(token.literal)}`;
    default:
      return JSON.stringify(token.text);
  }
}

/** Parse a condition; throws a ValidationError with the column of the problem. */
export function parseCondition(text: string): Condition {
  if (typeof text !== 'string')
    throw new ValidationError('condition must be a string', { code: 'INVALID_CONDITION' });
  if (text.includes('\n') || text.includes('\r')) {
    throw conditionError(
      text.replace(/[\r\n]/g, ' '),
      text.search(/[\r\n]/) + 1,
      'line breaks are not allowed',
    );
  }
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const unexpected = (token: Token, expected: string): ValidationError =>
    conditionError(text, token.column, `expected ${expected} but found ${describeToken(token)}`, expected);

  /** A number with an optional leading minus: the tokenizer leaves signs to the parser. */
  const parseNumber = (expected: string): NumberLiteral => {
    let token = next();
    let sign = 1;
    if (token.type === 'arithmetic' && token.text === '-') {
      sign = -1;
      token = next();
    }
    if (token.type !== 'number') throw unexpected(token, expected);
    const value = sign * token.literal.value;
    // -0 would not survive printing and parsing again; it means the same as 0.
    return { ...token.literal, value: Object.is(value, -0) ? 0 : value };
  };

  let metric: string | undefined;
  const first = peek();
  if (first.type === 'identifier') {
    if (first.text === 'stable')
      throw conditionError(text, first.column, '"stable" cannot be the metric', 'a metric name');
    metric = first.text;
    next();
  }
  const comparisonToken = next();
  if (comparisonToken.type !== 'comparison') {
    throw unexpected(
      comparisonToken,
      metric === undefined ? `a metric name or ${OPERATORS_TEXT}` : OPERATORS_TEXT,
    );
  }
  let operand: ConditionOperand;
  const operandToken = peek();
  if (operandToken.type === 'identifier') {
    if (operandToken.text !== 'stable') {
      throw conditionError(
        text,
        operandToken.column,
        `unknown name ${JSON.stringify(operandToken.text)}`,
        'a number or "stable"',
      );
    }
    next();
    const after = peek();
    if (after.type === 'arithmetic') {
      next();
      operand = { kind: 'stable', operator: after.text, literal: parseNumber('a number') };
    } else {
      operand = { kind: 'stable' };
    }
  } else {
    operand = { kind: 'number', literal: parseNumber('a number or "stable"') };
  }
  const end = next();
  if (end.type !== 'end') throw unexpected(end, 'end of condition');
  return { ...(metric === undefined ? {} : { metric }), comparison: comparisonToken.text, operand };
}

/** `300ms` -> 300, `0.3s` -> 300, `5%` -> 0.05, `0.05` -> 0.05. Latency values are in milliseconds. */
export function literalValue(literal: NumberLiteral): number {
  switch (literal.unit) {
    case 's':
      return literal.value * 1000;
    case '%':
      return literal.value / 100;
    default:
      return literal.value;
  }
}

function printLiteral(literal: NumberLiteral): string {
  return `${String(literal.value)}${literal.unit ?? ''}`;
}

/** The comparison and operand only, e.g. `<= stable + 0.01` (used in messages next to the metric's name). */
export function printComparison(condition: Condition): string {
  const { operand } = condition;
  const right =
    operand.kind === 'number'
      ? printLiteral(operand.literal)
      : operand.operator === undefined || operand.literal === undefined
        ? 'stable'
        : `stable ${operand.operator} ${printLiteral(operand.literal)}`;
  return `${condition.comparison} ${right}`;
}

/** Canonical text of a condition; parseCondition(printCondition(c)) equals c. */
export function printCondition(condition: Condition): string {
  const comparison = printComparison(condition);
  return condition.metric === undefined ? comparison : `${condition.metric} ${comparison}`;
}

export function isRelative(condition: Condition): boolean {
  return condition.operand.kind === 'stable';
}

/** Whether the condition's literal carries a time unit (so values print with `ms`). */
export function hasTimeUnit(condition: Condition): boolean {
  const literal = condition.operand.literal;
  return literal?.unit === 'ms' || literal?.unit === 's';
}

function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * Decide one measurement. A missing value (no data) is inconclusive, and so is a relative condition when the
 * stable version has no value to compare with: neither is evidence that the canary is bad or good.
 */
export function evaluateCondition(
  condition: Condition,
  value: number | undefined,
  stableValue?: number,
): ConditionResult {
  if (value === undefined || Number.isNaN(value)) return { outcome: 'inconclusive', reason: 'no value' };
  const { operand } = condition;
  let threshold: number;
  if (operand.kind === 'number') {
    threshold = literalValue(operand.literal);
  } else {
    if (stableValue === undefined || Number.isNaN(stableValue)) {
      return { outcome: 'inconclusive', reason: 'the stable version has no value to compare with' };
    }
    const amount = operand.literal === undefined ? 0 : literalValue(operand.literal);
    threshold =
      operand.operator === '*'
        ? stableValue * amount
        : operand.operator === '-'
          ? stableValue - amount
          : stableValue + amount;
  }
  return { outcome: compare(value, condition.comparison, threshold) ? 'pass' : 'fail', threshold };
}
