import { ValidationError } from '../../errors/index.js';
import { nearest } from '../../model/index.js';
import {
  CONTEXT_ROOTS,
  FUNCTION_ARITY,
  PRECEDENCE,
  type BinaryOperator,
  type ContextRoot,
  type Expression,
  type FunctionName,
} from './ast.js';
import { expressionError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Longer expressions or deeper nesting are refused: they are mistakes, and recursion must stay bounded. */
export const MAX_EXPRESSION_LENGTH = 4096;
export const MAX_EXPRESSION_DEPTH = 64;

function isBinaryOperator(text: string): text is BinaryOperator {
  return Object.hasOwn(PRECEDENCE, text);
}

function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTION_ARITY, name);
}

function isContextRoot(name: string): name is ContextRoot {
  return (CONTEXT_ROOTS as readonly string[]).includes(name);
}

/** Recursive descent over the token list; one instance per parse. */
class Parser {
  #index = 0;
  #depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  #peek(): Token {
    return this.tokens[this.#index];
  }

  #advance(): Token {
    const token = this.#peek();
    if (token.type !== 'end') this.#index += 1;
    return token;
  }

  #fail(token: Token, problem: string): never {
    throw expressionError(this.source, token.at, problem);
  }

  #describe(token: Token): string {
    return token.type === 'end' ? 'end of expression' : `"${token.text}"`;
  }

  #expectPunct(text: string, what: string): Token {
    const token = this.#peek();
    if (token.type !== 'punct' || token.text !== text)
      this.#fail(token, `expected ${what}, found ${this.#describe(token)}`);
    return this.#advance();
  }

  parseAll(): Expression {
    if (this.#peek().type === 'end') this.#fail(this.#peek(), 'empty expression');
    const expression = this.#binary(1);
    if (this.#peek().type !== 'end') this.#fail(this.#peek(), `unexpected ${this.#describe(this.#peek())}`);
    return expression;
  }

  #nested<T>(at: Token, parse: () => T): T {
    this.#depth += 1;
    if (this.#depth > MAX_EXPRESSION_DEPTH)
      this.#fail(at, `nested more than ${MAX_EXPRESSION_DEPTH} levels deep`);
    try {
      return parse();
    } finally {
      this.#depth -= 1;
    }
  }

  /** Precedence climbing: every operator is left-associative. */
  #binary(minPrecedence: number): Expression {
    return this.#nested(this.#peek(), () => {
      let left = this.#unary();
      for (;;) {
        const token = this.#peek();
        if (token.type !== 'operator' || !isBinaryOperator(token.text)) return left;
        const precedence = PRECEDENCE[token.text];
        if (precedence < minPrecedence) return left;
        this.#advance();
        const right = this.#binary(precedence + 1);
        left = { type: 'binary', operator: token.text, left, right, at: left.at };
      }
    });
  }

  #unary(): Expression {
    const token = this.#peek();
    if (token.type === 'operator' && token.text === '!') {
      this.#advance();
      return this.#nested(token, () => ({ type: 'not', operand: this.#unary(), at: token.at }));
    }
    return this.#postfix(this.#primary());
  }

  #postfix(start: Expression): Expression {
    let node = start;
    for (;;) {
      const token = this.#peek();
      if (token.type === 'punct' && token.text === '.') {
        this.#advance();
        const name = this.#peek();
        if (name.type !== 'identifier')
          this.#fail(name, `expected a property name after ".", found ${this.#describe(name)}`);
        this.#advance();
        node = { type: 'member', object: node, property: name.text, at: start.at };
      } else if (token.type === 'punct' && token.text === '[') {
        this.#advance();
        const key = this.#peek();
        if (
          key.type !== 'string' &&
          !(key.type === 'number' && Number.isInteger(key.value) && (key.value as number) >= 0)
        ) {
          this.#fail(key, `expected a quoted name or an index inside [ ], found ${this.#describe(key)}`);
        }
        this.#advance();
        this.#expectPunct(']', '"]"');
        node = { type: 'member', object: node, property: key.value as string | number, at: start.at };
      } else return node;
    }
  }

  #primary(): Expression {
    const token = this.#advance();
    switch (token.type) {
      case 'string':
        return { type: 'literal', value: token.value as string, at: token.at };
      case 'number':
        return { type: 'literal', value: token.value as number, at: token.at };
      case 'identifier':
        return this.#identifier(token);
      case 'punct':
        if (token.text === '(') {
          const inner = this.#binary(1);
          this.#expectPunct(')', '")"');
          return inner;
        }
        break;
      default:
        break;
    }
    return this.#fail(
      token,
      `expected a value, a property path or a function call, found ${this.#describe(token)}`,
    );
  }

  #identifier(token: Token): Expression {
    const name = token.text;
    if (name === 'true' || name === 'false') return { type: 'literal', value: name === 'true', at: token.at };
    if (name === 'null') return { type: 'literal', value: null, at: token.at };
    if (this.#peek().type === 'punct' && this.#peek().text === '(') return this.#call(token);
    if (isContextRoot(name)) return { type: 'identifier', name, at: token.at };
    const suggestion = nearest(name, [...CONTEXT_ROOTS]);
    return this.#fail(
      token,
      `unknown name "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (expected ${CONTEXT_ROOTS.join(', ')}, a literal or a function call)`,
    );
  }

  #call(nameToken: Token): Expression {
    const name = nameToken.text;
    if (!isFunctionName(name)) {
      const known = Object.keys(FUNCTION_ARITY);
      const suggestion = nearest(name, known);
      this.#fail(
        nameToken,
        `unknown function "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (known: ${known.map((k) => `${k}()`).join(', ')})`,
      );
    }
    this.#expectPunct('(', '"("');
    const args: Expression[] = [];
    if (!(this.#peek().type === 'punct' && this.#peek().text === ')')) {
      for (;;) {
        args.push(this.#binary(1));
        if (this.#peek().type === 'punct' && this.#peek().text === ',') {
          this.#advance();
          continue;
        }
        break;
      }
    }
    this.#expectPunct(')', args.length ? '"," or ")"' : '")"');
    const arity = FUNCTION_ARITY[name];
    if (args.length !== arity) {
      this.#fail(
        nameToken,
        `${name}() takes ${arity} argument${Number(arity) === 1 ? '' : 's'}, got ${args.length}`,
      );
    }
    return { type: 'call', name, args, at: nameToken.at };
  }
}

/** `${{ expr }}` is accepted too, as GitHub users write it out of habit. */
function unwrapTemplate(source: string): { text: string; offset: number } {
  const match = /^(\s*\$\{\{)([\s\S]*)\}\}\s*$/.exec(source);
  return match ? { text: match[2], offset: match[1].length } : { text: source, offset: 0 };
}

/** Parse an `if:` expression. Throws a ValidationError (code INVALID_EXPRESSION) that shows the position. */
export function parseExpression(source: string): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw expressionError(
      source.slice(0, 80),
      80,
      `expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
    );
  }
  const { text, offset } = unwrapTemplate(source);
  try {
    return new Parser(text, tokenize(text)).parseAll();
  } catch (error) {
    // Re-anchor errors found inside `${{ }}` on the text the user wrote.
    if (offset === 0 || !(error instanceof ValidationError)) throw error;
    const { problem, column } = error.details as { problem: string; column: number };
    throw expressionError(source, column - 1 + offset, problem);
  }
}
