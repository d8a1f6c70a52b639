import { PRECEDENCE, type Expression, type Literal } from './ast.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KEYWORDS = new Set(['true', 'false', 'null']);

function formatLiteral(value: Literal): string {
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}

/** Binding strength of a node; atoms bind tightest. */
function precedenceOf(node: Expression): number {
  if (node.type === 'binary') return PRECEDENCE[node.operator];
  if (node.type === 'not') return 10;
  return 11;
}

function wrap(node: Expression, needsParentheses: boolean): string {
  const text = formatExpression(node);
  return needsParentheses ? `(${text})` : text;
}

/**
 * Print an expression so that parsing the text gives the same tree back: parentheses only where precedence
 * or left-associativity requires them.
 */
export function formatExpression(node: Expression): string {
  switch (node.type) {
    case 'literal':
      return formatLiteral(node.value);
    case 'identifier':
      return node.name;
    case 'member': {
      const object = wrap(node.object, precedenceOf(node.object) < 11 || node.object.type === 'literal');
      if (typeof node.property === 'number') return `${object}[${node.property}]`;
      if (IDENTIFIER.test(node.property) && !KEYWORDS.has(node.property)) return `${object}.${node.property}`;
      return `${object}[${formatLiteral(node.property)}]`;
    }
    case 'call':
      return `${node.name}(${node.args.map(formatExpression).join(', ')})`;
    case 'not':
      return `!${wrap(node.operand, precedenceOf(node.operand) < 10)}`;
    case 'binary': {
      const precedence = PRECEDENCE[node.operator];
      const left = wrap(node.left, precedenceOf(node.left) < precedence);
      const right = wrap(node.right, precedenceOf(node.right) <= precedence);
      return `${left} ${node.operator} ${right}`;
    }
  }
}
