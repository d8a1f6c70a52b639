import type { z } from 'zod';

/** Minimal view of zod 4's internal definition objects; enough to walk a schema by path. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  schema?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Peel wrappers (optional, default, pipe/transform, refinements) down to the structural schemas. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? unwrap(def.innerType) : [schema];
    case 'pipe':
      return def.in ? unwrap(def.in) : [schema];
    case 'lazy':
      return def.getter ? unwrap(def.getter()) : [schema];
    case 'union':
      return (def.options ?? []).flatMap(unwrap);
    default:
      return [schema];
  }
}

/** The schemas that could be found at `path` below `root` (several where unions branch). */
export function schemasAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let current = unwrap(root);
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const schema of current) {
      const def = defOf(schema);
      if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment]) {
        next.push(...unwrap(def.shape[segment]));
      } else if (def.type === 'array' && typeof segment === 'number' && def.element) {
        next.push(...unwrap(def.element));
      } else if (def.type === 'record' && def.valueType) {
        next.push(...unwrap(def.valueType));
      }
    }
    current = next;
  }
  return current;
}

/** Field names an object at `path` accepts: what a "did you mean" suggestion chooses from. */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[], input?: unknown): string[] {
  const keys = new Set<string>();
  for (const schema of matchingDiscriminator(schemasAt(root, path), valueAt(input, path))) {
    const def = defOf(schema);
    if (def.type === 'object' && def.shape) for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Of several object schemas (union branches), keep those whose `type` literal matches the input's `type`. */
function matchingDiscriminator(schemas: z.ZodType[], value: unknown): z.ZodType[] {
  const given = value && typeof value === 'object' ? (value as Record<string, unknown>).type : undefined;
  if (given === undefined) return schemas;
  const matching = schemas.filter((schema) => {
    const typeSchema = defOf(schema).shape?.type;
    return (
      typeSchema !== undefined && typeof given === 'string' && allowedValuesAt(typeSchema, []).includes(given)
    );
  });
  return matching.length ? matching : schemas;
}

/** Literal and enum values accepted at `path`, e.g. the strategy types for `strategy.type`. */
export function allowedValuesAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const values = new Set<string>();
  for (const schema of schemasAt(root, path)) {
    const def = defOf(schema);
    if (def.type === 'enum' && def.entries) for (const v of Object.values(def.entries)) values.add(String(v));
    if (def.type === 'literal' && def.values) for (const v of def.values) values.add(String(v));
  }
  return [...values];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j];
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      row[j] = Math.min(above + 1, row[j - 1] + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest candidate within a third of the word's length (at least 2 edits), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
