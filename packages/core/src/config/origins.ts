import type { PathSegment } from '../model/index.js';
import type { SourceRef } from './errors.js';

export interface Origin {
  source: SourceRef;
  /** Path of the value inside its source (list indexes there can differ from the merged result). */
  sourcePath: readonly PathSegment[];
}

const SEP = '\u0000';
const keyOf = (path: readonly PathSegment[]): string => path.map(String).join(SEP);

/**
 * Which source last set each path of a merged document. Only the roots of subtrees are recorded; a lookup walks up
 * to the nearest recorded ancestor, so a 10 000-key base file costs one entry.
 */
export class Origins {
  readonly #byPath = new Map<string, Origin>();

  set(path: readonly PathSegment[], origin: Origin): void {
    this.#byPath.set(keyOf(path), origin);
  }

  /** Forget everything under `path` (a `$patch: replace` or a delete makes older origins meaningless). */
  clearBelow(path: readonly PathSegment[]): void {
    const prefix = path.length ? keyOf(path) + SEP : '';
    for (const key of [...this.#byPath.keys()])
      if (key.startsWith(prefix) && key !== keyOf(path)) this.#byPath.delete(key);
  }

  find(path: readonly PathSegment[]): Origin | undefined {
    for (let n = path.length; n >= 0; n -= 1) {
      const origin = this.#byPath.get(keyOf(path.slice(0, n)));
      if (origin) {
        return n === path.length
          ? origin
          : { source: origin.source, sourcePath: [...origin.sourcePath, ...path.slice(n)] };
      }
    }
    return undefined;
  }
}
