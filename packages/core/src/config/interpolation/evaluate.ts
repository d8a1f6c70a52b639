import { ValidationError } from '../../errors/index.js';
import { formatPath, type PathSegment } from '../../model/index.js';
import { isPlainMap } from '../canonical.js';
import { configError, type SourceRef } from '../errors.js';
import { hasExpression, parseTemplate, type Expr } from './parser.js';

export const MISSING: unique symbol = Symbol('missing');

/** What expressions can read. `get` returns MISSING for an absent path and may throw (a cycle). */
export interface Scope {
  roots: readonly string[];
  get(segments: readonly PathSegment[]): unknown;
  /** The value at a path without resolving what is below it (for "did you mean" messages); default `get`. */
  peek?(segments: readonly PathSegment[]): unknown;
}

/** Where the string being interpolated lives, for error messages. */
export interface Where {
  source: SourceRef | undefined;
  path: readonly PathSegment[];
}

/** Plain lookup of a path in a tree of maps and lists. */
export function lookupPath(root: unknown, segments: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) node = node[segment];
    else if (isPlainMap(node) && Object.prototype.hasOwnProperty.call(node, String(segment)))
      node = node[String(segment)];
    else return MISSING;
  }
  return node;
}

function describeMissing(scope: Scope, segments: readonly PathSegment[]): string {
  for (let n = segments.length - 1; n >= 1; n -= 1) {
    const parent = (scope.peek ?? scope.get)(segments.slice(0, n));
    if (parent === MISSING) continue;
    const here = formatPath(segments.slice(0, n));
    if (isPlainMap(parent)) {
      const keys = Object.keys(parent).sort();
      return keys.length
        ? `${here} has: ${keys.slice(0, 20).join(', ')}${keys.length > 20 ? ', …' : ''}`
        : `${here} is empty`;
    }
    return Array.isArray(parent) ? `${here} is a list of ${parent.length}` : `${here} is not a map`;
  }
  return 'nothing by that name';
}

function evaluate(expr: Expr, scope: Scope, where: Where, strict: boolean): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'or': {
      const last = expr.options.length - 1;
      for (let i = 0; i < last; i += 1) {
        const value = evaluate(expr.options[i], scope, where, false);
        if (value !== MISSING && value !== null && value !== '') return value;
      }
      return evaluate(expr.options[last], scope, where, strict);
    }
    case 'call': {
      const value = evaluate(expr.arg, scope, where, strict);
      if (value === MISSING) return MISSING;
      const text = asText(value, expr.name, where);
      return expr.name === 'upper' ? text.toUpperCase() : expr.name === 'lower' ? text.toLowerCase() : text;
    }
    case 'path': {
      const root = String(expr.segments[0]);
      if (!scope.roots.includes(root)) {
        if (root === 'secrets') {
          throw configError(
            'SECRET_INTERPOLATION',
            `"${expr.text}": secrets cannot be interpolated into text (they would leak into files and diffs)`,
            where.source,
            where.path,
            { expected: 'a reference to the generated Secret (resources.secret) or an environment variable' },
          );
        }
        throw configError(
          'UNKNOWN_REFERENCE',
          `unknown reference "${expr.text}": no such root "${root}"`,
          where.source,
          where.path,
          {
            expected: `a path starting with ${scope.roots.join(', ')}`,
            details: { reference: expr.text },
          },
        );
      }
      const value = scope.get(expr.segments);
      if (value === MISSING && strict) {
        throw configError(
          'UNKNOWN_REFERENCE',
          `unknown reference "${expr.text}" (tried ${formatPath(expr.segments)}; ${describeMissing(scope, expr.segments)})`,
          where.source,
          where.path,
          { details: { reference: formatPath(expr.segments) } },
        );
      }
      return value;
    }
  }
}

function asText(value: unknown, expr: string, where: Where): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  throw configError(
    'INVALID_EXPRESSION',
    `"${expr}" is ${Array.isArray(value) ? 'a list' : 'a map'} and cannot be embedded in text`,
    where.source,
    where.path,
    { expected: 'a scalar, or the expression alone as the whole value' },
  );
}

/**
 * Interpolate one string. A string that is exactly one expression takes the value's type (a number stays a
 * number, a map stays a map); expressions inside longer text are converted to text.
 */
export function interpolateString(text: string, scope: Scope, where: Where): unknown {
  if (!hasExpression(text)) return text;
  let parts;
  try {
    parts = parseTemplate(text);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw configError(error.code, error.message, where.source, where.path, {
        ...(error.location.expected !== undefined ? { expected: error.location.expected } : {}),
      });
    }
    throw error;
  }
  const only = parts[0];
  if (parts.length === 1 && only?.kind === 'expr') return evaluate(only.expr, scope, where, true);
  let out = '';
  for (const part of parts) {
    out +=
      part.kind === 'text' ? part.text : asText(evaluate(part.expr, scope, where, true), part.text, where);
  }
  return out;
}

/** Interpolate every string value of a tree (keys are left alone). */
export function interpolateTree(
  value: unknown,
  scope: Scope,
  source: SourceRef | undefined,
  path: PathSegment[] = [],
): unknown {
  if (typeof value === 'string') return interpolateString(value, scope, { source, path });
  if (Array.isArray(value))
    return value.map((item, index) => interpolateTree(item, scope, source, [...path, index]));
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: interpolateTree(value[key], scope, source, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
