import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { ValidationError } from '../../errors/index.js';
import type { SecurityNote } from '../types.js';
import { lineOfPath } from './yaml-lines.js';

/** One rendered manifest document: the input of every manifest rule. */
export interface ManifestDocument {
  file: string;
  /** 0-based position of the document in its file (documents separated by `---`). */
  index: number;
  object: unknown;
  /** 1-based line of the field at `path`, of its nearest existing ancestor, or undefined when unknown. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

export interface LoadedManifests {
  documents: ManifestDocument[];
  /** Documents that were skipped (not Kubernetes-shaped), with why. */
  notes: SecurityNote[];
}

// yaml's default alias limit keeps "billion laughs" documents from exhausting memory.
const MAX_ALIAS_COUNT = 100;

/** Parse multi-document YAML, keeping line positions. Syntax errors are ValidationErrors naming file and line. */
export function loadManifests(text: string, file: string): LoadedManifests {
  const lineCounter = new LineCounter();
  let parsed: Document.Parsed[];
  try {
    parsed = Array.from(parseAllDocuments(text, { lineCounter, prettyErrors: false }));
  } catch (error) {
    throw new ValidationError(`cannot parse YAML: ${messageOf(error)}`, {
      file,
      code: 'MANIFEST_YAML',
      cause: error,
    });
  }
  const documents: ManifestDocument[] = [];
  const notes: SecurityNote[] = [];
  parsed.forEach((doc, index) => {
    const firstError = doc.errors[0];
    if (firstError) {
      const line = firstError.pos ? lineCounter.linePos(firstError.pos[0]).line : undefined;
      throw new ValidationError(`invalid YAML in document ${index}: ${firstError.message.split('\n')[0]}`, {
        file,
        line,
        code: 'MANIFEST_YAML',
      });
    }
    let object: unknown;
    try {
      object = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new ValidationError(`cannot read YAML document ${index}: ${messageOf(error)}`, {
        file,
        code: 'MANIFEST_YAML',
        cause: error,
      });
    }
    // An empty document (a stray `---`, a file of comments) is not worth a note.
    if (object === null || object === undefined) return;
    const shapeProblem = kubernetesShapeProblem(object);
    if (shapeProblem) {
      notes.push({ file, documentIndex: index, message: `skipped document ${index}: ${shapeProblem}` });
      return;
    }
    documents.push({ file, index, object, lineOf: (path) => lineOfPath(doc, lineCounter, path) });
  });
  return { documents, notes };
}

/** Read and parse several manifest files; an unreadable file is a ValidationError naming it. */
export async function loadManifestFiles(paths: readonly string[]): Promise<LoadedManifests> {
  const documents: ManifestDocument[] = [];
  const notes: SecurityNote[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ValidationError(`cannot read manifest: ${messageOf(error)}`, {
        file: path,
        code: 'MANIFEST_READ',
      });
    }
    const loaded = loadManifests(text, path);
    documents.push(...loaded.documents);
    notes.push(...loaded.notes);
  }
  return { documents, notes };
}

/** A document built from an object already in memory (a renderer's output, a test): no line numbers. */
export function manifestFromObject(object: unknown, file: string, index = 0): ManifestDocument {
  return { file, index, object, lineOf: () => undefined };
}

/** Why `object` is not a Kubernetes object (no apiVersion/kind strings), or undefined when it is one. */
export function kubernetesShapeProblem(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    return 'not a mapping, so not a Kubernetes object';
  }
  const record = object as Record<string, unknown>;
  if (typeof record.apiVersion !== 'string' || record.apiVersion === '')
    return 'no apiVersion, not a Kubernetes object';
  if (typeof record.kind !== 'string' || record.kind === '') return 'no kind, not a Kubernetes object';
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
