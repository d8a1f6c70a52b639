import type { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { allowedValuesAt, knownKeysAt, nearest } from './schema-walk.js';

export type PathSegment = string | number;

/** `environments.prod.strategy.steps[1].setWeight` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const text = String(segment);
      out += /^[A-Za-z_$][\w$-]*$/.test(text) ? (out ? `.${text}` : text) : `[${JSON.stringify(text)}]`;
    }
  }
  return out || '(root)';
}

export interface SpecProblem {
  path: PathSegment[];
  message: string;
  expected?: string;
}

function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Pick the union branch that got furthest: its issues say what the user most likely meant. */
function bestUnionBranch(errors: z.core.$ZodIssue[][]): z.core.$ZodIssue[] {
  let best: z.core.$ZodIssue[] = [];
  let bestScore = -Infinity;
  for (const branch of errors) {
    const depth = Math.max(0, ...branch.map((i) => i.path.length));
    const score =
      depth * 10 -
      branch.length -
      (branch.some((i) => i.code === 'invalid_type' && i.path.length === 0) ? 100 : 0);
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/** Turn zod issues into problems that name the field path, what is wrong and what was expected. */
export function toProblems(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  input?: unknown,
  base: PathSegment[] = [],
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path, input);
        for (const key of issue.keys) {
          const suggestion = nearest(key, known);
          problems.push({
            path: [...path, key],
            message: suggestion
              ? `unknown field "${key}"; did you mean "${suggestion}"?`
              : `unknown field "${key}"; known fields: ${known.join(', ') || 'none'}`,
            expected: suggestion ?? (known.length ? `one of ${known.join(', ')}` : 'no other fields'),
          });
        }
        break;
      }
      case 'invalid_union': {
        const discriminatorValues = allowedValuesAt(schema, [...path, 'type']);
        if (issue.errors.length === 0 && discriminatorValues.length) {
          const input = (issue as { input?: unknown }).input;
          const given =
            input && typeof input === 'object' ? (input as Record<string, unknown>).type : undefined;
          problems.push({
            path: [...path, 'type'],
            message: `invalid value ${JSON.stringify(given)}; expected one of ${discriminatorValues.join(', ')}`,
            expected: `one of ${discriminatorValues.join(', ')}`,
          });
        } else if (issue.errors.length) {
          problems.push(...toProblems(schema, bestUnionBranch(issue.errors), input, path));
        } else problems.push({ path, message: issue.message });
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        problems.push({
          path,
          message: `invalid value ${JSON.stringify((issue as { input?: unknown }).input)}; expected one of ${values.join(', ')}`,
          expected: `one of ${values.join(', ')}`,
        });
        break;
      }
      case 'invalid_type': {
        const input = (issue as { input?: unknown }).input;
        problems.push({
          path,
          message:
            input === undefined
              ? `is required (expected ${issue.expected})`
              : `expected ${issue.expected}, got ${describeType(input)}`,
          expected: issue.expected,
        });
        break;
      }
      case 'invalid_key': {
        problems.push(
          ...toProblems(schema, issue.issues, input, path).map((p) => ({
            ...p,
            message: `key: ${p.message}`,
          })),
        );
        break;
      }
      case 'invalid_element': {
        problems.push(...toProblems(schema, issue.issues, input, [...path, issue.key as PathSegment]));
        break;
      }
      default:
        problems.push({ path, message: issue.message });
    }
  }
  return problems;
}

export interface PositionLookup {
  (path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

/** One ValidationError for a list of problems: the first is the message, all are in `details.problems`. */
export function problemsToError(
  problems: SpecProblem[],
  file: string | undefined,
  position?: PositionLookup,
): ValidationError {
  const first = problems[0] ?? { path: [], message: 'invalid document' };
  const where = position?.(first.path);
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new ValidationError(`${first.message}${more}`, {
    code: 'INVALID_SPEC',
    ...(file !== undefined ? { file } : {}),
    path: formatPath(first.path),
    ...(where ? { line: where.line, column: where.column } : {}),
    ...(first.expected !== undefined ? { expected: first.expected } : {}),
    details: {
      problems: problems.map((p) => ({
        path: formatPath(p.path),
        message: p.message,
        ...(position?.(p.path) ?? {}),
      })),
    },
  });
}
