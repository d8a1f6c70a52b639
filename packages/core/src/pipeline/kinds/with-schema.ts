import type { z } from 'zod';
import { ValidationError } from '../../errors/index.js';
import { formatPath, toProblems, type PathSegment, type SpecProblem } from '../../model/index.js';

/** `validate` for a kind whose `with:` is described by a zod schema. */
export function validateWithSchema(
  schema: z.ZodType,
): (value: unknown, path: readonly PathSegment[]) => SpecProblem[] {
  return (value, path) => {
    const result = schema.safeParse(value, { reportInput: true });
    return result.success ? [] : toProblems(schema, result.error.issues, value, [...path]);
  };
}

/** Parse `with:` at run time (definitions were checked already, so this only fails for hand-built states). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, kind: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const first = toProblems(schema, result.error.issues, value, ['with'])[0];
  throw new ValidationError(
    `${kind} step: ${first ? `${formatPath(first.path)}: ${first.message}` : 'invalid `with`'}`,
    {
      code: 'INVALID_STEP_INPUT',
    },
  );
}
