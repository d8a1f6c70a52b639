import { ValidationError } from '../../errors/index.js';
import { PolicySchema, type Policy } from './schema.js';

export interface PolicySource {
  file?: string;
  /** Where the policy sits in its file, e.g. `policy` or `environments.prod.policy`. */
  pathPrefix: string;
}

export type PolicyParseResult =
  { success: true; policy: Policy } | { success: false; errors: ValidationError[] };

// Remembers where each parsed policy came from, so findings about its exemptions can point at the file.
const sources = new WeakMap<Policy, PolicySource>();

export function sourceOfPolicy(policy: Policy): PolicySource | undefined {
  return sources.get(policy);
}

/** Validate a raw `policy:` object. Never throws: every problem is a ValidationError with its field path. */
export function parsePolicy(
  raw: unknown,
  options: { file?: string; pathPrefix?: string } = {},
): PolicyParseResult {
  const source: PolicySource = { pathPrefix: options.pathPrefix ?? 'policy' };
  if (options.file !== undefined) source.file = options.file;
  const result = PolicySchema.safeParse(raw ?? {});
  if (!result.success) {
    const errors = result.error.issues.map(
      (issue) =>
        new ValidationError(issue.message, {
          code: 'INVALID_POLICY',
          file: options.file,
          path: formatPath(source.pathPrefix, issue.path),
        }),
    );
    return { success: false, errors };
  }
  sources.set(result.data, source);
  return { success: true, policy: result.data };
}

/** parsePolicy, throwing the first error (with all of them in `details.errors`). */
export function parsePolicyOrThrow(
  raw: unknown,
  options: { file?: string; pathPrefix?: string } = {},
): Policy {
  const result = parsePolicy(raw, options);
  if (result.success) return result.policy;
  const [first] = result.errors;
  if (result.errors.length === 1 && first) throw first;
  throw new ValidationError(`invalid policy: ${result.errors.map((error) => error.describe()).join('; ')}`, {
    code: 'INVALID_POLICY',
    file: options.file,
    path: first?.location.path,
    details: { errors: result.errors.map((error) => error.toJSON()) },
  });
}

/** `policy.exemptions[0].expires`: the prefix, then keys dotted and indices bracketed. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
