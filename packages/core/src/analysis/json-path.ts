import { ValidationError } from '../errors/index.js';

/**
 * A deliberately small JSON path: `$.data.value`, `a.b[0].c`, `$['key with spaces']`, `items[-1]` (last).
 * Enough to pick one number out of a JSON document; no filters, wildcards or recursion.
 */
export type JsonPathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number };

const BARE_KEY = /[A-Za-z_$][A-Za-z0-9_$-]*/y;
const INDEX = /-?\d+/y;

function pathError(text: string, column: number, message: string): ValidationError {
  return new ValidationError(`JSON path ${JSON.stringify(text)}: ${message} at column ${column}`, {
    code: 'INVALID_JSON_PATH',
    column,
    expected: 'a path such as $.data.value or a.b[0].c',
  });
}

export function parseJsonPath(text: string): JsonPathSegment[] {
  if (typeof text !== 'string')
    throw new ValidationError('JSON path must be a string', { code: 'INVALID_JSON_PATH' });
  const segments: JsonPathSegment[] = [];
  let i = 0;
  if (text.startsWith('$')) i = 1;
  const readBareKey = (): void => {
    BARE_KEY.lastIndex = i;
    const match = BARE_KEY.exec(text);
    if (!match) throw pathError(text, i + 1, 'expected a key');
    segments.push({ kind: 'key', key: match[0] });
    i = BARE_KEY.lastIndex;
  };
  // `a.b` may start with a bare key; `$.a` and `$[0]` need a separator after the `$`.
  if (i === 0 && text.length > 0 && text[0] !== '[') readBareKey();
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      i++;
      readBareKey();
    } else if (ch === '[') {
      i++;
      const quote = text[i];
      if (quote === '"' || quote === "'") {
        // Quoted key: JSON-style escapes \\ and \" / \' only, so any key can be written.
        let key = '';
        i++;
        for (;;) {
          if (i >= text.length) throw pathError(text, i + 1, `unterminated quoted key, expected ${quote}`);
          const c = text[i];
          if (c === '\\') {
            const escaped = text[i + 1];
            if (escaped !== '\\' && escaped !== quote)
              throw pathError(text, i + 1, 'only \\\\ and \\' + quote + ' escapes are allowed');
            key += escaped;
            i += 2;
          } else if (c === quote) {
            i++;
            break;
          } else {
            key += c;
            i++;
          }
        }
        segments.push({ kind: 'key', key });
      } else {
        INDEX.lastIndex = i;
        const match = INDEX.exec(text);
        if (!match) throw pathError(text, i + 1, 'expected an array index or a quoted key');
        const index = Number(match[0]);
        if (!Number.isSafeInteger(index)) throw pathError(text, i + 1, 'array index out of range');
        segments.push({ kind: 'index', index: Object.is(index, -0) ? 0 : index });
        i = INDEX.lastIndex;
      }
      if (text[i] !== ']') throw pathError(text, i + 1, 'expected "]"');
      i++;
    } else {
      throw pathError(text, i + 1, `unexpected ${JSON.stringify(ch)}, expected "." or "["`);
    }
  }
  if (segments.length === 0 && text !== '$') throw pathError(text, 1, 'empty path');
  return segments;
}

/** Canonical text: `$.a["b c"][0]`; parseJsonPath(printJsonPath(s)) equals s. */
export function printJsonPath(segments: readonly JsonPathSegment[]): string {
  let text = '$';
  for (const segment of segments) {
    if (segment.kind === 'index') text += `[${segment.index}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment.key)) text += `.${segment.key}`;
    else text += `["${segment.key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
  }
  return text;
}

export type JsonPathSelection = { found: true; value: unknown } | { found: false; missingAt: string };

/** Follow the path; reports the prefix where the document stopped matching. Negative indexes count from the end. */
export function selectJsonPath(document: unknown, segments: readonly JsonPathSegment[]): JsonPathSelection {
  let current: unknown = document;
  for (let n = 0; n < segments.length; n++) {
    const segment = segments[n];
    if (segment.kind === 'index') {
      if (!Array.isArray(current))
        return { found: false, missingAt: printJsonPath(segments.slice(0, n + 1)) };
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      if (index < 0 || index >= current.length)
        return { found: false, missingAt: printJsonPath(segments.slice(0, n + 1)) };
      current = current[index] as unknown;
    } else {
      if (
        current === null ||
        typeof current !== 'object' ||
        Array.isArray(current) ||
        !Object.hasOwn(current, segment.key)
      ) {
        return { found: false, missingAt: printJsonPath(segments.slice(0, n + 1)) };
      }
      current = (current as Record<string, unknown>)[segment.key];
    }
  }
  return { found: true, value: current };
}
