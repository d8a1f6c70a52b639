import { ValidationError } from '../errors/index.js';
import { isPlainMap } from './canonical.js';

/** `logLevel` → `LOG_LEVEL`, `db.pool-size` → `DB_POOL_SIZE`; already upper-snake keys stay as they are. */
export function envVarName(segments: readonly string[]): string {
  return segments
    .map((segment) =>
      segment
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[^A-Za-z0-9]+/g, '_')
        .toUpperCase(),
    )
    .join('_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value); // lists: JSON, which an app can parse; maps are flattened before we get here
}

/**
 * Config values as environment variables (host instances, Kubernetes ConfigMaps): nested keys joined with `_`,
 * lists as JSON. Two keys that map to one name (`a.b` and `a_b`) are an error rather than a silent overwrite.
 */
export function flattenToEnv(
  values: Record<string, unknown>,
  into: Map<string, string[]> = new Map(),
): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown, path: string[]): void => {
    if (isPlainMap(node) && path.length > 0 && Object.keys(node).length === 0) return;
    if (isPlainMap(node)) {
      for (const key of Object.keys(node)) walk(node[key], [...path, key]);
      return;
    }
    const name = envVarName(path);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
      throw new ValidationError(
        `config key ${path.join('.')} does not make an environment variable name ("${name}")`,
        {
          code: 'INVALID_CONFIG_KEY',
          path: `config.${path.join('.')}`,
          expected: 'keys that start with a letter or _',
        },
      );
    }
    const previous = into.get(name);
    if (previous) {
      throw new ValidationError(
        `config keys ${previous.join('.')} and ${path.join('.')} both become ${name}`,
        {
          code: 'CONFIG_KEY_COLLISION',
          path: `config.${path.join('.')}`,
          expected: 'keys that stay distinct when upper-snake-cased',
        },
      );
    }
    into.set(name, path);
    out[name] = scalarText(node);
  };
  walk(values, []);
  return out;
}
