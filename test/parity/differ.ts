import type { Json } from './normalise.js';

/** Leaves of a JSON value by path: `deployments[1].progress.weights.web.1.1.0`. */
export function flatten(value: Json, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (v: Json, at: string) => {
    if (Array.isArray(v)) {
      out.set(`${at}.length`, String(v.length));
      v.forEach((item, i) => visit(item, `${at}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0) out.set(at, '{}');
      for (const key of keys) visit(v[key], at ? `${at}.${key}` : key);
    } else {
      out.set(at, JSON.stringify(v));
    }
  };
  visit(value, prefix);
  return out;
}

/**
 * Paths where the sides disagree, one line each: `path: github=… gitlab=… jenkins=…` (`∅` where a side has no
 * such path). Empty when all sides are equal.
 */
export function diff(sides: Record<string, Json>): string[] {
  const names = Object.keys(sides);
  const flat = names.map((name) => flatten(sides[name] ?? null));
  const paths = new Set(flat.flatMap((f) => [...f.keys()]));
  const lines: string[] = [];
  for (const path of paths) {
    const values = flat.map((f) => f.get(path));
    if (values.every((v) => v === values[0])) continue;
    lines.push(`${path}: ${names.map((name, i) => `${name}=${values[i] ?? '∅'}`).join(' ')}`);
  }
  return lines;
}
