import { formatPath, type PathSegment, type PositionLookup } from '../model/index.js';
import { ValidationError } from '../errors/index.js';

/** Where a config value came from: a file (with a way to find lines) or a flag. */
export interface SourceRef {
  /** File path or a label such as `--set LOG_LEVEL=debug`. */
  file: string;
  /** Path of this source's root inside the file (inline values live under `environments.prod.config.values`). */
  prefix: readonly PathSegment[];
  position?: PositionLookup | undefined;
}

export function locate(
  source: SourceRef | undefined,
  path: readonly PathSegment[],
): { file?: string; line?: number; column?: number } {
  if (!source) return {};
  const where = source.position?.([...source.prefix, ...path]);
  return { file: source.file, ...(where ? { line: where.line, column: where.column } : {}) };
}

export function describeSource(source: SourceRef | undefined, path: readonly PathSegment[]): string {
  if (!source) return 'an unknown source';
  const where = locate(source, path);
  return where.line !== undefined ? `${source.file}:${where.line}` : source.file;
}

/** A config error at a path of a source: file, line and the full field path in one ValidationError. */
export function configError(
  code: string,
  message: string,
  source: SourceRef | undefined,
  path: readonly PathSegment[],
  extra: { expected?: string; details?: Record<string, unknown>; cause?: unknown } = {},
): ValidationError {
  const fullPath = source ? [...source.prefix, ...path] : path;
  return new ValidationError(message, {
    code,
    ...locate(source, path),
    path: formatPath(fullPath),
    ...extra,
  });
}
