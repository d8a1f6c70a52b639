import { formatPath, type PathSegment } from '../../model/index.js';
import { ValidationError } from '../../errors/index.js';
import { isPlainMap, setOwn } from '../canonical.js';
import { locate } from '../errors.js';
import type { Origins } from '../origins.js';
import { hasExpression } from './parser.js';
import { interpolateString, lookupPath, MISSING, type Scope } from './evaluate.js';

/**
 * Interpolates merged config values that refer to each other (`url: "http://${{ config.host }}"`). Values are
 * resolved on demand and memoized; a value that is reached again while it is being resolved is a cycle, reported
 * with the whole chain (config.a → config.b → config.a).
 */
export class ConfigResolver {
  readonly #memo = new Map<string, unknown>();
  readonly #stack: string[] = [];
  readonly scope: Scope;

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly origins: Origins,
    /** The other roots: deployment, components, app, strategy, … (plain data, no expressions). */
    private readonly context: Record<string, unknown>,
  ) {
    this.scope = {
      roots: ['config', ...Object.keys(context)],
      get: (segments) => {
        const [root, ...rest] = segments;
        if (root === 'config') return this.#get(rest);
        return lookupPath(this.context, segments);
      },
      peek: (segments) => {
        const [root, ...rest] = segments;
        return root === 'config' ? lookupPath(this.raw, rest) : lookupPath(this.context, segments);
      },
    };
  }

  #resolveString(at: readonly PathSegment[], node: unknown): unknown {
    if (typeof node !== 'string' || !hasExpression(node)) return node;
    const key = formatPath(['config', ...at]);
    if (this.#memo.has(key)) return this.#memo.get(key);
    const started = this.#stack.indexOf(key);
    const origin = this.origins.find(at);
    if (started >= 0) {
      const chain = [...this.#stack.slice(started), key];
      throw new ValidationError(`cyclic interpolation: ${chain.join(' → ')}`, {
        code: 'CYCLIC_INTERPOLATION',
        ...locate(origin?.source, origin?.sourcePath ?? []),
        path: key,
        expected: 'values that do not refer to themselves, directly or through others',
        details: { cycle: chain },
      });
    }
    this.#stack.push(key);
    try {
      const value = interpolateString(node, this.scope, {
        source: origin?.source,
        path: origin?.sourcePath ?? at,
      });
      // Values read through the scope are already resolved, and literals are plain text: no second pass, so a
      // literal '${{' stays text instead of being evaluated.
      this.#memo.set(key, value);
      return value;
    } finally {
      this.#stack.pop();
    }
  }

  #resolveDeep(at: readonly PathSegment[], value: unknown): unknown {
    if (typeof value === 'string') return this.#resolveString(at, value);
    if (Array.isArray(value)) return value.map((item, index) => this.#resolveDeep([...at, index], item));
    if (isPlainMap(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) setOwn(out, key, this.#resolveDeep([...at, key], value[key]));
      return out;
    }
    return value;
  }

  #get(segments: readonly PathSegment[]): unknown {
    let node: unknown = this.raw;
    const at: PathSegment[] = [];
    for (const [index, segment] of segments.entries()) {
      if (typeof node === 'string') return lookupPath(this.#resolveString(at, node), segments.slice(index));
      const next = lookupPath(node, [segment]);
      if (next === MISSING) return MISSING;
      node = next;
      at.push(segment);
    }
    return this.#resolveDeep(at, node);
  }

  /** Every value, interpolated. */
  resolveAll(): Record<string, unknown> {
    return this.#resolveDeep([], this.raw) as Record<string, unknown>;
  }
}
