import type { Expression, FunctionName } from './ast.js';

/** What a step's condition can see. Status flags are computed by the engine from the step's dependencies. */
export interface ExpressionContext {
  steps: Readonly<Record<string, unknown>>;
  inputs: Readonly<Record<string, unknown>>;
  environment: Readonly<Record<string, unknown>>;
  status: {
    /** Every dependency completed (or was skipped, or failed with continueOnError) and nothing was cancelled. */
    success: boolean;
    /** A dependency, or something it depended on, failed. */
    failure: boolean;
    /** The pipeline was cancelled. */
    cancelled: boolean;
  };
}

/** Falsy: null, false, 0, '' and NaN; everything else (including objects and lists) is truthy. */
export function truthy(value: unknown): boolean {
  return !(
    value === null ||
    value === undefined ||
    value === false ||
    value === 0 ||
    value === '' ||
    Number.isNaN(value)
  );
}

/** A number, or a string that reads as one (outputs of shell steps are strings). */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function looselyEqual(left: unknown, right: unknown): boolean {
  const l = left ?? null;
  const r = right ?? null;
  if (typeof l === typeof r) return l === r;
  const ln = asNumber(l);
  const rn = asNumber(r);
  return ln !== undefined && rn !== undefined && ln === rn;
}

function compare(left: unknown, right: unknown): number | undefined {
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  const ln = asNumber(left);
  const rn = asNumber(right);
  if (ln === undefined || rn === undefined || Number.isNaN(ln) || Number.isNaN(rn)) return undefined;
  return ln - rn;
}

function lower(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
  return text.toLowerCase();
}

/** Case-insensitive, as in GitHub Actions; a list `contains` an element equal to the item. */
function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack))
    return haystack.some((item) => looselyEqual(item, needle) || lower(item) === lower(needle));
  return lower(haystack).includes(lower(needle));
}

function member(object: unknown, property: string | number): unknown {
  if (object === null || typeof object !== 'object') return null;
  if (!Object.hasOwn(object, property)) return null;
  return (object as Record<string | number, unknown>)[property] ?? null;
}

function call(name: FunctionName, args: unknown[], context: ExpressionContext): unknown {
  switch (name) {
    case 'success':
      return context.status.success && !context.status.cancelled;
    case 'failure':
      return context.status.failure;
    case 'always':
      return true;
    case 'cancelled':
      return context.status.cancelled;
    case 'contains':
      return contains(args[0], args[1]);
    case 'startsWith':
      return lower(args[0]).startsWith(lower(args[1]));
  }
}

/** Evaluate without throwing: a missing property is null, a comparison of unlike things is false. */
export function evaluateExpression(node: Expression, context: ExpressionContext): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'identifier':
      return context[node.name];
    case 'member':
      return member(evaluateExpression(node.object, context), node.property);
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluateExpression(arg, context)),
        context,
      );
    case 'not':
      return !truthy(evaluateExpression(node.operand, context));
    case 'binary': {
      const left = evaluateExpression(node.left, context);
      if (node.operator === '&&') return truthy(left) && truthy(evaluateExpression(node.right, context));
      if (node.operator === '||') return truthy(left) || truthy(evaluateExpression(node.right, context));
      const right = evaluateExpression(node.right, context);
      if (node.operator === '==') return looselyEqual(left, right);
      if (node.operator === '!=') return !looselyEqual(left, right);
      const order = compare(left, right);
      if (order === undefined) return false;
      if (node.operator === '<') return order < 0;
      if (node.operator === '<=') return order <= 0;
      if (node.operator === '>') return order > 0;
      return order >= 0;
    }
  }
}
