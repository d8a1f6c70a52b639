import { expressionError } from './errors.js';

export type TokenType = 'string' | 'number' | 'identifier' | 'punct' | 'operator' | 'end';

export interface Token {
  type: TokenType;
  /** Source text for identifiers, punctuation and operators; the decoded value for strings. */
  text: string;
  value?: string | number;
  at: number;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!'] as const;
const PUNCTUATION = new Set(['(', ')', '[', ']', '.', ',']);

function matchAt(pattern: RegExp, source: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(source)?.[0];
}

/** Strings are single-quoted; a quote inside is doubled (`'it''s'`), as in GitHub Actions expressions. */
function readString(source: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const char = source[i];
    if (char === "'") {
      if (source[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += char;
    i += 1;
  }
  throw expressionError(source, start, 'unterminated string (strings use single quotes)');
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if (char === "'") {
      const { value, end } = readString(source, i);
      tokens.push({ type: 'string', text: source.slice(i, end), value, at: i });
      i = end;
      continue;
    }
    const number = /[-\d.]/.test(char) ? matchAt(NUMBER, source, i) : undefined;
    if (number !== undefined) {
      tokens.push({ type: 'number', text: number, value: Number(number), at: i });
      i += number.length;
      continue;
    }
    const identifier = matchAt(IDENTIFIER, source, i);
    if (identifier !== undefined) {
      tokens.push({ type: 'identifier', text: identifier, at: i });
      i += identifier.length;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      tokens.push({ type: 'operator', text: operator, at: i });
      i += operator.length;
      continue;
    }
    if (PUNCTUATION.has(char)) {
      tokens.push({ type: 'punct', text: char, at: i });
      i += 1;
      continue;
    }
    const hint = char === '"' ? ' (strings use single quotes)' : char === '=' ? ' (use == to compare)' : '';
    throw expressionError(source, i, `unexpected character ${JSON.stringify(char)}${hint}`);
  }
  tokens.push({ type: 'end', text: '', at: source.length });
  return tokens;
}
