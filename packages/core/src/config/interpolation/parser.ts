import { ValidationError } from '../../errors/index.js';

/**
 * The `${{ … }}` expression language, deliberately tiny: a path (`config.db.host`, `components.web.version`,
 * `config.hosts[0]`, `config['odd key']`), a literal ('text', "text", 42, true, null) and `a || b || 'default'`
 * (the first operand that exists and is neither null nor ''), and three conversions: `string(x)`, `upper(x)`,
 * `lower(x)`. Nothing is ever evaluated as code.
 */
export type Expr =
  | { kind: 'path'; segments: (string | number)[]; text: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'or'; options: Expr[] }
  | { kind: 'call'; name: ExprFunction; arg: Expr };

/** The only functions: pure conversions of one value (a quoted YAML scalar cannot force text, so `string()` can). */
export const EXPR_FUNCTIONS = ['string', 'upper', 'lower'] as const;
export type ExprFunction = (typeof EXPR_FUNCTIONS)[number];

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; expr: Expr; text: string };

export const OPEN = '${{';
const CLOSE = '}}';

export function hasExpression(text: string): boolean {
  return text.includes(OPEN);
}

function syntaxError(message: string, source: string, offset: number): ValidationError {
  return new ValidationError(`${message} in ${JSON.stringify(source)} at character ${offset + 1}`, {
    code: 'INVALID_EXPRESSION',
    expected: "${{ path.to.value }}, ${{ a || 'default' }}",
    details: { offset },
  });
}

class ExprParser {
  pos: number;
  constructor(
    readonly src: string,
    start: number,
  ) {
    this.pos = start;
  }

  skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos += 1;
  }

  peek(text: string): boolean {
    this.skipSpace();
    return this.src.startsWith(text, this.pos);
  }

  fail(message: string): never {
    throw syntaxError(message, this.src, this.pos);
  }

  parseOr(): Expr {
    const options = [this.parsePrimary()];
    while (this.peek('||')) {
      this.pos += 2;
      options.push(this.parsePrimary());
    }
    return options.length === 1 ? options[0] : { kind: 'or', options };
  }

  parsePrimary(): Expr {
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === undefined) this.fail('unexpected end of expression');
    if (ch === '(') {
      this.pos += 1;
      const inner = this.parseOr();
      if (!this.peek(')')) this.fail('expected ")"');
      this.pos += 1;
      return inner;
    }
    if (ch === "'" || ch === '"') return { kind: 'literal', value: this.parseString() };
    if (/[-\d]/.test(ch)) {
      const match = /^-?\d+(\.\d+)?/.exec(this.src.slice(this.pos));
      if (!match) this.fail('expected a number');
      this.pos += match[0].length;
      return { kind: 'literal', value: Number(match[0]) };
    }
    const start = this.pos;
    const first = this.parseIdent();
    if (first === 'true' || first === 'false') return { kind: 'literal', value: first === 'true' };
    if (first === 'null') return { kind: 'literal', value: null };
    if (this.src[this.pos] === '(') {
      if (!(EXPR_FUNCTIONS as readonly string[]).includes(first)) {
        this.pos = start;
        this.fail(`unknown function "${first}" (known: ${EXPR_FUNCTIONS.join(', ')})`);
      }
      this.pos += 1;
      const arg = this.parseOr();
      if (!this.peek(')')) this.fail('expected ")"');
      this.pos += 1;
      return { kind: 'call', name: first as ExprFunction, arg };
    }
    const segments: (string | number)[] = [first];
    for (;;) {
      if (this.src[this.pos] === '.') {
        this.pos += 1;
        segments.push(this.parseIdent());
      } else if (this.src[this.pos] === '[') {
        this.pos += 1;
        this.skipSpace();
        const c = this.src[this.pos];
        if (c === "'" || c === '"') segments.push(this.parseString());
        else {
          const match = /^\d+/.exec(this.src.slice(this.pos));
          if (!match) this.fail('expected an index or a quoted key inside [ ]');
          this.pos += match[0].length;
          segments.push(Number(match[0]));
        }
        if (!this.peek(']')) this.fail('expected "]"');
        this.pos += 1;
      } else break;
    }
    return { kind: 'path', segments, text: this.src.slice(start, this.pos) };
  }

  parseIdent(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos));
    if (!match) this.fail('expected a name');
    this.pos += match[0].length;
    return match[0];
  }

  /** 'it''s' (doubled quote, as in GitHub expressions) or "say \"hi\"" (backslash escapes). */
  parseString(): string {
    const quote = this.src[this.pos];
    this.pos += 1;
    let out = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === quote) {
        if (quote === "'" && this.src[this.pos + 1] === "'") {
          out += "'";
          this.pos += 2;
          continue;
        }
        this.pos += 1;
        return out;
      }
      if (ch === '\\' && quote === '"' && this.pos + 1 < this.src.length) {
        out += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      out += ch;
      this.pos += 1;
    }
    this.fail('unterminated string');
  }
}

/** Split a string into literal text and `${{ … }}` expressions. Throws INVALID_EXPRESSION on bad syntax. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf(OPEN, at);
    if (open < 0) {
      parts.push({ kind: 'text', text: text.slice(at) });
      break;
    }
    if (open > at) parts.push({ kind: 'text', text: text.slice(at, open) });
    const parser = new ExprParser(text, open + OPEN.length);
    const expr = parser.parseOr();
    if (!parser.peek(CLOSE)) parser.fail(parser.pos >= text.length ? 'missing "}}"' : 'unexpected character');
    parser.pos += CLOSE.length;
    parts.push({ kind: 'expr', expr, text: text.slice(open, parser.pos) });
    at = parser.pos;
  }
  return parts;
}
