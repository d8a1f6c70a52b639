export {
  CONTEXT_ROOTS,
  FUNCTION_ARITY,
  STATUS_FUNCTIONS,
  usesStatusFunction,
  walkExpression,
  type BinaryOperator,
  type ContextRoot,
  type Expression,
  type FunctionName,
  type Literal,
} from './ast.js';
export { parseExpression, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './parser.js';
export { evaluateExpression, truthy, type ExpressionContext } from './evaluate.js';
export { formatExpression } from './format.js';
