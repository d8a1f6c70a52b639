import { readFileSync } from 'node:fs';
import { NotFoundError, ValidationError } from '../errors/index.js';
import { AppSpecSchema, type AppSpec, type EnvironmentSpec } from './spec.js';
import { problemsToError, toProblems } from './issues.js';
import { parseYamlDocument } from './yaml-source.js';

export interface LoadedSpec {
  spec: AppSpec;
  file: string;
  /** The document's own text, kept so a record can snapshot exactly what was deployed. */
  text: string;
}

/** Validate an already-parsed document; `file` is only used in messages. */
export function parseSpec(text: string, file: string): AppSpec {
  const { value, position } = parseYamlDocument(text, file);
  if (value === null || value === undefined) {
    throw new ValidationError('the file is empty', {
      code: 'INVALID_SPEC',
      file,
      expected: 'an eds.yaml document (apiVersion: eds/v1)',
    });
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const apiVersion = (value as Record<string, unknown>).apiVersion;
    if (typeof apiVersion === 'string' && apiVersion !== 'eds/v1' && /^eds\/v\d+/.test(apiVersion)) {
      throw new ValidationError(`apiVersion ${apiVersion} is newer than this eds understands`, {
        code: 'UNSUPPORTED_API_VERSION',
        file,
        path: 'apiVersion',
        expected: 'eds/v1',
        ...(position(['apiVersion']) ?? {}),
      });
    }
  }
  const result = AppSpecSchema.safeParse(value, { reportInput: true });
  if (!result.success)
    throw problemsToError(toProblems(AppSpecSchema, result.error.issues, value), file, position);
  return result.data;
}

export function loadSpecFile(file: string): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ValidationError(
      code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? 'unknown error'})`,
      {
        code: 'SPEC_NOT_READABLE',
        file,
        cause,
        expected: 'a readable eds.yaml (use -f FILE)',
      },
    );
  }
  return { spec: parseSpec(text, file), file, text };
}

/** The named environment, or an error listing the ones that exist. */
export function environmentOf(spec: AppSpec, name: string, file?: string): EnvironmentSpec {
  const environment = spec.environments[name];
  if (!environment) {
    const known = Object.keys(spec.environments);
    throw new NotFoundError(`environment "${name}" is not defined; defined: ${known.join(', ')}`, {
      ...(file !== undefined ? { file } : {}),
      path: 'environments',
      expected: `one of ${known.join(', ')}`,
    });
  }
  return environment;
}
