import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { ValidationError } from '../errors/index.js';
import {
  MAX_ALIAS_COUNT,
  MAX_DOCUMENT_BYTES,
  parseYamlDocument,
  type PathSegment,
  type PositionLookup,
} from '../model/index.js';
import { isPlainMap } from './canonical.js';
import type { SourceRef } from './errors.js';

/**
 * Check size before reading: a 50 MB file must be refused without holding it in memory (the parser's own limit
 * only applies once the text is read).
 */
async function readLimited(file: string, what: string): Promise<string> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ValidationError(
      code === 'ENOENT' ? `${what} not found` : `cannot read ${what} (${code ?? 'error'})`,
      {
        code: 'CONFIG_FILE_NOT_READABLE',
        file,
        cause,
      },
    );
  }
  if (!stat.isFile()) {
    throw new ValidationError(`${what} is not a regular file`, { code: 'CONFIG_FILE_NOT_READABLE', file });
  }
  if (stat.size > MAX_DOCUMENT_BYTES) {
    throw new ValidationError(
      `${what} is ${(stat.size / 1024 / 1024).toFixed(1)} MiB, larger than the ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB limit`,
      { code: 'FILE_TOO_LARGE', file, expected: `at most ${MAX_DOCUMENT_BYTES} bytes` },
    );
  }
  return fs.readFile(file, 'utf8');
}

export interface ConfigFile {
  value: Record<string, unknown>;
  source: SourceRef;
}

/** A base or overlay file (YAML or JSON; JSON is read by the YAML parser, which keeps line numbers). */
export async function readConfigFile(file: string, displayName = file): Promise<ConfigFile> {
  const text = await readLimited(file, 'config file');
  const { value, position } = parseYamlDocument(text, displayName);
  const source: SourceRef = { file: displayName, prefix: [], position };
  if (value === null || value === undefined) return { value: {}, source };
  if (!isPlainMap(value)) {
    throw new ValidationError('a config file must hold a map of keys to values', {
      code: 'INVALID_CONFIG_FILE',
      file: displayName,
      line: 1,
      expected: 'a YAML/JSON map at the top level',
    });
  }
  return { value, source };
}

function positionIn(doc: Document, lineCounter: LineCounter): PositionLookup {
  return (segments: readonly PathSegment[]) => {
    let node: unknown = doc.contents;
    let target: Node | undefined = node as Node | undefined;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        node = pair.value;
        target = (pair.value ?? pair.key) as Node;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        node = node.items[segment];
        target = node as Node;
      } else break;
    }
    const offset = target?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

export interface StreamDocument {
  value: unknown;
  source: SourceRef;
  /** 0-based index of the document in its file. */
  index: number;
}

/** A multi-document YAML file (manifest templates), with the same size and alias limits as specs. */
export async function readYamlStream(file: string, displayName = file): Promise<StreamDocument[]> {
  const text = await readLimited(file, 'template');
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) return []; // an empty stream
  const out: StreamDocument[] = [];
  docs.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) {
      const pos = lineCounter.linePos(error.pos[0]);
      throw new ValidationError(`malformed YAML: ${error.message.split('\n')[0] ?? 'parse error'}`, {
        code: 'MALFORMED_YAML',
        file: displayName,
        line: pos.line,
        column: pos.col,
      });
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      throw new ValidationError(`YAML could not be expanded: ${(cause as Error).message}`, {
        code: 'MALFORMED_YAML',
        file: displayName,
        cause,
        expected: `at most ${MAX_ALIAS_COUNT} alias expansions`,
      });
    }
    if (value === null || value === undefined) return;
    out.push({
      value,
      source: { file: displayName, prefix: [], position: positionIn(doc, lineCounter) },
      index,
    });
  });
  return out;
}

/** Template files of a directory, sorted by name so document order never depends on the file system. */
export async function listTemplateFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new ValidationError('templates directory not found', {
      code: 'CONFIG_FILE_NOT_READABLE',
      file: dir,
      cause,
    });
  }
  return entries
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name) && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .sort();
}
