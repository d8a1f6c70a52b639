import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ValidationError } from '../errors/index.js';
import type { PathSegment, PositionLookup } from './issues.js';

/** Largest spec or config file EDS reads; bigger ones are refused before parsing. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** Alias expansion limit: a "billion laughs" document is refused, not expanded. */
export const MAX_ALIAS_COUNT = 1000;

export interface ParsedYaml {
  value: unknown;
  position: PositionLookup;
}

function nodeAt(
  doc: Document,
  path: readonly PathSegment[],
): { node: Node | undefined; keyNode: Node | undefined } {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return { node: node, keyNode: undefined };
      keyNode = pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!item) return { node: node, keyNode: undefined };
      keyNode = undefined;
      node = item;
    } else break;
  }
  return { node: node as Node | undefined, keyNode };
}

/** Parse one YAML (or JSON) document, keeping a way to find the line and column of any field path. */
export function parseYamlDocument(text: string, file: string): ParsedYaml {
  if (Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) {
    throw new ValidationError(`file is larger than the ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB limit`, {
      code: 'FILE_TOO_LARGE',
      file,
      expected: `at most ${MAX_DOCUMENT_BYTES} bytes`,
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    const reason = error.message.split('\n')[0] ?? 'malformed YAML';
    throw new ValidationError(`malformed YAML: ${reason}`, {
      code: 'MALFORMED_YAML',
      file,
      line: pos.line,
      column: pos.col,
      expected: 'a valid YAML document',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw new ValidationError(`YAML could not be expanded: ${(cause as Error).message}`, {
      code: 'MALFORMED_YAML',
      file,
      cause,
      expected: `at most ${MAX_ALIAS_COUNT} alias expansions`,
    });
  }
  const position: PositionLookup = (path) => {
    const { node, keyNode } = nodeAt(doc, path);
    const target = keyNode ?? node;
    const offset = target?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { value, position };
}
