import { ValidationError } from '../../errors/index.js';

/**
 * An expression error that shows where: `column` (1-based) in the error's location and a caret line under the
 * expression in the message, so a CI log points at the character without the user counting.
 */
export function expressionError(source: string, offset: number, problem: string): ValidationError {
  const column = Math.min(Math.max(offset, 0), source.length) + 1;
  const shown = source.replace(/[\r\n\t]/g, ' ');
  return new ValidationError(
    `invalid expression: ${problem} at column ${column}\n  ${shown}\n  ${' '.repeat(column - 1)}^`,
    {
      code: 'INVALID_EXPRESSION',
      column,
      expected: "an expression such as `success() && inputs.env == 'prod'`",
      details: { expression: source, column, problem },
    },
  );
}
