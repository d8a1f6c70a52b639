import { promises as fs } from 'node:fs';
import { ValidationError } from '../errors/index.js';
import { MAX_DOCUMENT_BYTES, type PathSegment } from '../model/index.js';
import { isPlainMap } from './canonical.js';
import { configError } from './errors.js';
import type { Origins } from './origins.js';

type Validate = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null;
};

const compiled = new Map<string, Promise<Validate>>();

/** ajv is loaded only when an application has a `config.schema`, so a config without one needs no validator. */
async function compile(file: string, displayName: string): Promise<Validate> {
  const stat = await fs.stat(file).catch((cause: unknown) => {
    throw new ValidationError('config schema not found', {
      code: 'CONFIG_FILE_NOT_READABLE',
      file: displayName,
      cause,
    });
  });
  if (stat.size > MAX_DOCUMENT_BYTES) {
    throw new ValidationError('config schema is larger than the 5 MiB limit', {
      code: 'FILE_TOO_LARGE',
      file: displayName,
    });
  }
  let schema: unknown;
  try {
    schema = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (cause) {
    throw new ValidationError('config schema is not valid JSON', {
      code: 'INVALID_CONFIG_SCHEMA',
      file: displayName,
      cause,
    });
  }
  const draft2020 =
    isPlainMap(schema) && typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  const { Ajv } = await import('ajv');
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const formats = (await import('ajv-formats')).default as unknown as (ajv: InstanceType<typeof Ajv>) => void;
  const ajv = draft2020
    ? new Ajv2020({ allErrors: true, strict: false })
    : new Ajv({ allErrors: true, strict: false });
  formats(ajv);
  try {
    return ajv.compile(schema as object) as Validate;
  } catch (cause) {
    throw new ValidationError(`config schema is not a valid JSON Schema: ${(cause as Error).message}`, {
      code: 'INVALID_CONFIG_SCHEMA',
      file: displayName,
      cause,
    });
  }
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Check rendered values against the application's JSON Schema. The error names the value's path and the file (and
 * line) that set it, so "LOG_LEVEL must be one of …" points at prod.yaml:3, not at the schema.
 */
export async function validateAgainstSchema(
  values: Record<string, unknown>,
  schemaFile: string,
  schemaDisplayName: string,
  origins: Origins | undefined,
): Promise<void> {
  let pending = compiled.get(schemaFile);
  if (!pending) {
    pending = compile(schemaFile, schemaDisplayName);
    compiled.set(schemaFile, pending);
    pending.catch(() => compiled.delete(schemaFile));
  }
  const validate = await pending;
  if (validate(values)) return;
  const errors = validate.errors ?? [];
  const problems = errors.map((e) => {
    const path = pointerToPath(e.instancePath);
    const missing = typeof e.params?.missingProperty === 'string' ? [e.params.missingProperty] : [];
    const extra = typeof e.params?.additionalProperty === 'string' ? [e.params.additionalProperty] : [];
    const allowed = Array.isArray(e.params?.allowedValues)
      ? ` (${(e.params.allowedValues as unknown[]).join(', ')})`
      : '';
    return { path: [...path, ...missing, ...extra], message: `${e.message ?? 'is invalid'}${allowed}` };
  });
  const first = problems[0] ?? { path: [], message: 'is invalid' };
  const origin = origins?.find(first.path);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw configError(
    'CONFIG_SCHEMA_VIOLATION',
    `config.${first.path.join('.')} ${first.message}, per ${schemaDisplayName}${more}`,
    origin?.source,
    origin?.sourcePath ?? first.path,
    {
      expected: `values valid against ${schemaDisplayName}`,
      details: {
        problems: problems.map((p) => ({ path: `config.${p.path.join('.')}`, message: p.message })),
      },
    },
  );
}
