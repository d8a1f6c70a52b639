/** The syntax tree of an `if:` expression. `at` is the 0-based offset of the node's first character. */
export type Literal = string | number | boolean | null;

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export type Expression =
  | { type: 'literal'; value: Literal; at: number }
  | { type: 'identifier'; name: ContextRoot; at: number }
  | { type: 'member'; object: Expression; property: string | number; at: number }
  | { type: 'call'; name: FunctionName; args: Expression[]; at: number }
  | { type: 'not'; operand: Expression; at: number }
  | { type: 'binary'; operator: BinaryOperator; left: Expression; right: Expression; at: number };

/** The names an expression can start a property path from. */
export const CONTEXT_ROOTS = ['steps', 'inputs', 'environment'] as const;
export type ContextRoot = (typeof CONTEXT_ROOTS)[number];

/** Functions and how many arguments each takes. */
export const FUNCTION_ARITY = {
  success: 0,
  failure: 0,
  always: 0,
  cancelled: 0,
  contains: 2,
  startsWith: 2,
} as const;
export type FunctionName = keyof typeof FUNCTION_ARITY;

/** Status functions: an expression that uses none of them is implicitly `success() && (...)`. */
export const STATUS_FUNCTIONS: readonly FunctionName[] = ['success', 'failure', 'always', 'cancelled'];

/** Binding strength, loosest first; the parser and the formatter share it so they cannot drift apart. */
export const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
};

/** Every node of the tree, depth first (used to check references and find status functions). */
export function* walkExpression(node: Expression): Generator<Expression> {
  yield node;
  switch (node.type) {
    case 'member':
      yield* walkExpression(node.object);
      break;
    case 'call':
      for (const arg of node.args) yield* walkExpression(arg);
      break;
    case 'not':
      yield* walkExpression(node.operand);
      break;
    case 'binary':
      yield* walkExpression(node.left);
      yield* walkExpression(node.right);
      break;
    default:
      break;
  }
}

export function usesStatusFunction(node: Expression): boolean {
  for (const child of walkExpression(node)) {
    if (child.type === 'call' && STATUS_FUNCTIONS.includes(child.name)) return true;
  }
  return false;
}
