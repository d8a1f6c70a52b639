import type { z } from 'zod';
import { ValidationError } from '../../errors/index.js';
import { formatPath } from '../policy/parse.js';

/** JSON.parse with an error that names the file and says the report is unusable (so the gate fails closed). */
export function parseJsonReport(text: string, file: string): unknown {
  if (text.trim() === '') {
    throw new ValidationError('vulnerability report is empty; the gate cannot pass without a report', {
      file,
      code: 'VULN_REPORT_MALFORMED',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`vulnerability report is not valid JSON (truncated or corrupt?): ${reason}`, {
      file,
      code: 'VULN_REPORT_MALFORMED',
      cause: error,
    });
  }
}

/** Validate a parsed report against a format schema; the first problem becomes a ValidationError with its path. */
export function validateReport<T extends z.ZodType>(
  schema: T,
  data: unknown,
  file: string,
  format: string,
): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? formatPath('', issue.path) : '';
  const count = result.error.issues.length;
  throw new ValidationError(
    `not a valid ${format} report: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}${count > 1 ? ` (and ${count - 1} more problems)` : ''}`,
    { file, path: path || undefined, code: 'VULN_REPORT_MALFORMED' },
  );
}
