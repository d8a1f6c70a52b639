import { stringify } from 'yaml';

/** A JSON-like value after parsing YAML/JSON: what config values are made of. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | ConfigMap;
export interface ConfigMap {
  [key: string]: ConfigValue;
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Set an own property even when the key is `__proto__`: config keys come from user files, and a plain
 * assignment of `__proto__` would change the object's prototype instead of adding a key.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deep copy with map keys in code-point order: the one form that is hashed, stored and printed. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareKeys)) setOwn(out, key, sortKeysDeep(value[key]));
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

/** Canonical YAML: sorted keys, no line folding, no anchors; identical input gives identical bytes. */
export function canonicalYaml(value: unknown): string {
  return stringify(sortKeysDeep(value), {
    lineWidth: 0,
    aliasDuplicateObjects: false,
    sortMapEntries: true,
  });
}
