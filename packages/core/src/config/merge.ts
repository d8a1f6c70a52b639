import { formatPath, type PathSegment } from '../model/index.js';
import { ValidationError } from '../errors/index.js';
import { isPlainMap, setOwn } from './canonical.js';
import { configError, describeSource, locate, type SourceRef } from './errors.js';
import { Origins } from './origins.js';

/** One input of a merge: a file, the inline values of eds.yaml, or the request's `--set` flags. */
export interface Layer {
  value: Record<string, unknown>;
  source: SourceRef;
}

export interface MergeResult {
  value: Record<string, unknown>;
  origins: Origins;
}

const PATCH_KEY = '$patch';
const PATCH_DIRECTIVES = ['delete', 'replace', 'merge'] as const;
type Directive = (typeof PATCH_DIRECTIVES)[number];
const DELETE: unique symbol = Symbol('delete');

interface Ctx {
  layer: Layer;
  origins: Origins;
}

function kindOf(value: unknown): 'map' | 'list' | 'scalar' | 'null' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  return isPlainMap(value) ? 'map' : 'scalar';
}

function directiveOf(
  map: Record<string, unknown>,
  ctx: Ctx,
  srcPath: readonly PathSegment[],
): Directive | undefined {
  if (!Object.prototype.hasOwnProperty.call(map, PATCH_KEY)) return undefined;
  const value = map[PATCH_KEY];
  if (typeof value === 'string' && (PATCH_DIRECTIVES as readonly string[]).includes(value))
    return value as Directive;
  throw configError(
    'INVALID_PATCH_DIRECTIVE',
    `invalid $patch ${JSON.stringify(value)}`,
    ctx.layer.source,
    [...srcPath, PATCH_KEY],
    {
      expected: PATCH_DIRECTIVES.join(' | '),
    },
  );
}

function clash(
  base: unknown,
  patch: unknown,
  path: readonly PathSegment[],
  srcPath: readonly PathSegment[],
  ctx: Ctx,
): ValidationError {
  const baseOrigin = ctx.origins.find(path);
  const baseWhere = baseOrigin
    ? describeSource(baseOrigin.source, baseOrigin.sourcePath)
    : 'an earlier source';
  const patchWhere = describeSource(ctx.layer.source, srcPath);
  const article = (k: string): string => (k === 'scalar' ? 'a scalar' : `a ${k}`);
  return new ValidationError(
    `type clash at "${formatPath(path)}": ${patchWhere} sets ${article(kindOf(patch))} where ${baseWhere} set ${article(kindOf(base))}`,
    {
      code: 'CONFIG_TYPE_CLASH',
      ...locate(ctx.layer.source, srcPath),
      path: formatPath(path),
      expected: `${article(kindOf(base))} (or $patch: replace on a map)`,
      details: { over: baseWhere, by: patchWhere },
    },
  );
}

/** Copy a subtree as it is (new keys, `$patch: replace`), checking values and dropping merge markers. */
function plain(value: unknown, srcPath: readonly PathSegment[], ctx: Ctx): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw configError('INVALID_CONFIG_VALUE', 'numbers must be finite', ctx.layer.source, srcPath);
    return value;
  }
  if (Array.isArray(value)) {
    const items = isListReplace(value) ? value.slice(1) : value;
    const offset = items === value ? 0 : 1;
    return items.map((item, index) => plain(item, [...srcPath, index + offset], ctx));
  }
  if (isPlainMap(value)) {
    const directive = directiveOf(value, ctx, srcPath);
    if (directive === 'delete') {
      throw configError(
        'INVALID_PATCH_DIRECTIVE',
        '$patch: delete has nothing to delete here',
        ctx.layer.source,
        srcPath,
        {
          expected: 'a key or a named list item that exists in an earlier source',
        },
      );
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key !== PATCH_KEY) setOwn(out, key, plain(value[key], [...srcPath, key], ctx));
    }
    return out;
  }
  throw configError(
    'INVALID_CONFIG_VALUE',
    `unsupported value of type ${typeof value}`,
    ctx.layer.source,
    srcPath,
    {
      expected: 'a string, number, boolean, null, list or map',
    },
  );
}

/** `[{ $patch: replace }, ...items]`: the strategic-merge way to replace a list of named items. */
function isListReplace(list: readonly unknown[]): boolean {
  const first = list[0];
  return isPlainMap(first) && Object.keys(first).length === 1 && first[PATCH_KEY] === 'replace';
}

function isNamedItem(item: unknown): item is Record<string, unknown> & { name: string } {
  return isPlainMap(item) && typeof item.name === 'string' && item.name !== '';
}

function isNamedList(list: readonly unknown[]): boolean {
  return list.length > 0 && list.every(isNamedItem);
}

function mergeNamedLists(
  base: readonly unknown[],
  patch: readonly Record<string, unknown>[],
  path: readonly PathSegment[],
  srcPath: readonly PathSegment[],
  ctx: Ctx,
): unknown[] {
  const out: unknown[] = [...base];
  const seen = new Set<string>();
  patch.forEach((item, index) => {
    const name = item.name as string;
    const itemSrc = [...srcPath, index];
    if (seen.has(name)) {
      throw configError(
        'DUPLICATE_LIST_ITEM',
        `two items named "${name}" in one list`,
        ctx.layer.source,
        itemSrc,
        {
          expected: 'unique names in a list of named items',
        },
      );
    }
    seen.add(name);
    const at = out.findIndex((existing) => isNamedItem(existing) && existing.name === name);
    if (directiveOf(item, ctx, itemSrc) === 'delete') {
      if (at >= 0) {
        out.splice(at, 1);
        ctx.origins.clearBelow(path);
      }
      return;
    }
    const target = at >= 0 ? at : out.length;
    const merged = mergeValue(out[target], item, [...path, target], itemSrc, ctx);
    out[target] = merged;
  });
  return out;
}

function mergeValue(
  base: unknown,
  patch: unknown,
  path: readonly PathSegment[],
  srcPath: readonly PathSegment[],
  ctx: Ctx,
): unknown {
  const origin = { source: ctx.layer.source, sourcePath: srcPath };
  if (isPlainMap(patch)) {
    const directive = directiveOf(patch, ctx, srcPath);
    if (directive === 'delete') {
      if (path.length === 0)
        throw configError(
          'INVALID_PATCH_DIRECTIVE',
          'cannot delete the whole configuration',
          ctx.layer.source,
          srcPath,
        );
      return DELETE;
    }
    if (directive === 'replace' || base === undefined || base === null) {
      if (base !== undefined && base !== null) ctx.origins.clearBelow(path);
      ctx.origins.set(path, origin);
      return plain(patch, srcPath, ctx);
    }
    if (!isPlainMap(base)) throw clash(base, patch, path, srcPath, ctx);
    const out: Record<string, unknown> = { ...base };
    for (const key of Object.keys(patch)) {
      if (key === PATCH_KEY) continue;
      const had = Object.prototype.hasOwnProperty.call(base, key);
      const merged = mergeValue(
        had ? base[key] : undefined,
        patch[key],
        [...path, key],
        [...srcPath, key],
        ctx,
      );
      if (merged === DELETE) {
        delete out[key];
        ctx.origins.clearBelow([...path, key]);
      } else setOwn(out, key, merged);
    }
    return out;
  }
  if (Array.isArray(patch)) {
    if (base !== undefined && base !== null && !Array.isArray(base))
      throw clash(base, patch, path, srcPath, ctx);
    if (
      Array.isArray(base) &&
      !isListReplace(patch) &&
      isNamedList(patch) &&
      (base.length === 0 || isNamedList(base))
    ) {
      return mergeNamedLists(base, patch as Record<string, unknown>[], path, srcPath, ctx);
    }
    if (base !== undefined && base !== null) ctx.origins.clearBelow(path);
    ctx.origins.set(path, origin);
    return plain(patch, srcPath, ctx);
  }
  if (isPlainMap(base) || Array.isArray(base)) {
    if (patch !== null) throw clash(base, patch, path, srcPath, ctx);
    ctx.origins.clearBelow(path);
  }
  ctx.origins.set(path, origin);
  return plain(patch, srcPath, ctx);
}

/**
 * Merge layers in order (later wins): maps deep-merge, lists of named items merge by `name`, other lists replace,
 * `$patch: delete` removes a key or a named item, `$patch: replace` replaces a map (or, as the first item, a
 * list) instead of merging. A map over a list, a list over a scalar and so on is an error naming both sources.
 */
export function mergeLayers(layers: readonly Layer[], start?: MergeResult): MergeResult {
  const origins = start?.origins ?? new Origins();
  let value: Record<string, unknown> = start?.value ?? {};
  for (const layer of layers) {
    if (!isPlainMap(layer.value)) {
      throw configError(
        'INVALID_CONFIG_FILE',
        'configuration must be a map of keys to values',
        layer.source,
        [],
      );
    }
    value = mergeValue(value, layer.value, [], [], { layer, origins }) as Record<string, unknown>;
  }
  return { value, origins };
}
