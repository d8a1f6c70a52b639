import { ValidationError } from '../errors/index.js';
import { isPlainMap, setOwn } from './canonical.js';
import type { Layer } from './merge.js';

export interface SetFlag {
  /** Dotted key split into segments: `db.pool.max` → ['db', 'pool', 'max']. */
  path: string[];
  value: string;
}

const SEGMENT = /^[^\s=[\]$][^\s=[\]]*$/;

/**
 * Parse one `--set KEY=VALUE`. Dots separate nested keys (`\.` is a literal dot); the value is everything after the
 * first `=`, kept as text (see `coerceLike` for why it is not guessed from its spelling).
 */
export function parseSetFlag(text: string): SetFlag {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new ValidationError(`--set ${JSON.stringify(text)} is not KEY=VALUE`, {
      code: 'INVALID_SET_FLAG',
      path: '--set',
      expected: 'KEY=VALUE, KEY may be dotted (db.pool.max=10)',
    });
  }
  const key = text.slice(0, eq);
  const path: string[] = [];
  let current = '';
  for (let i = 0; i < key.length; i += 1) {
    const ch = key[i];
    if (ch === '\\' && key[i + 1] === '.') {
      current += '.';
      i += 1;
    } else if (ch === '.') {
      path.push(current);
      current = '';
    } else current += ch;
  }
  path.push(current);
  for (const segment of path) {
    if (!SEGMENT.test(segment)) {
      throw new ValidationError(
        `--set key ${JSON.stringify(key)} has an invalid part ${JSON.stringify(segment)}`,
        {
          code: 'INVALID_SET_FLAG',
          path: '--set',
          expected: 'non-empty key parts without spaces, "=", brackets or a leading "$", separated by dots',
        },
      );
    }
  }
  return { path, value: text.slice(eq + 1) };
}

function lookup(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const segment of path) {
    if (!isPlainMap(node) || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * A flag's text takes the type of the value it overrides: `replicas=3` stays a number where the base has a number,
 * while `version=1.10` stays the string "1.10" where the base has a string (Helm's `--set` guesses from the
 * spelling and turns it into 1.1). New keys are strings.
 */
export function coerceLike(existing: unknown, text: string): string | number | boolean | null {
  if (typeof existing === 'number' && NUMBER.test(text)) return Number(text);
  if (typeof existing === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** The request's flags as merge layers (one per flag, so a clash between two flags names both). */
export function setFlagLayers(flags: readonly string[], current: unknown): Layer[] {
  return flags.map((text) => {
    const { path, value } = parseSetFlag(text);
    const root: Record<string, unknown> = {};
    let node = root;
    path.forEach((segment, index) => {
      if (index === path.length - 1) setOwn(node, segment, coerceLike(lookup(current, path), value));
      else {
        const child: Record<string, unknown> = {};
        setOwn(node, segment, child);
        node = child;
      }
    });
    return { value: root, source: { file: `--set ${path.join('.')}`, prefix: [] } };
  });
}
