import { redact } from '../../secrets/index.js';

export interface LogLimits {
  /** Lines kept per step, the truncation marker included. */
  maxLines: number;
  /** Bytes (UTF-8) kept per step. */
  maxBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxLines: 200, maxBytes: 64 * 1024 };

/** One line is never longer than this: a binary blob on stdout must not evict every other line. */
const MAX_LINE_CHARS = 4096;
/** Lines always kept from the start of the log (the command, the first error) before the marker. */
const HEAD_LINES = 20;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A step's captured log, written into the Pipeline record's `logs`. Each line is redacted before it is kept.
 * Past the cap the first lines stay, then `… N lines truncated`, then the most recent lines.
 */
export class StepLog {
  readonly #head: string[] = [];
  readonly #tail: string[] = [];
  #tailBytes = 0;
  #headBytes = 0;
  #dropped = 0;

  constructor(
    private readonly limits: LogLimits,
    existing: readonly string[] = [],
  ) {
    // Lines of an earlier run (before a pause or a crash) are already redacted and capped.
    for (const line of existing) this.#keep(line);
  }

  append(line: string): void {
    const clean = redact(line.replace(/\r?\n$/, ''));
    this.#keep(clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)}… (line cut)` : clean);
  }

  #keep(line: string): void {
    const headRoom =
      this.#head.length < HEAD_LINES && this.#headBytes + bytes(line) <= this.limits.maxBytes / 4;
    if (this.#dropped === 0 && this.#tail.length === 0 && headRoom) {
      this.#head.push(line);
      this.#headBytes += bytes(line);
    } else {
      this.#tail.push(line);
      this.#tailBytes += bytes(line);
    }
    // Make room for the marker line whenever anything has been dropped.
    const budgetLines = this.limits.maxLines - 1;
    while (
      this.#tail.length > 0 &&
      (this.#head.length + this.#tail.length > budgetLines ||
        this.#headBytes + this.#tailBytes > this.limits.maxBytes - 64)
    ) {
      this.#tailBytes -= bytes(this.#tail.shift() as string);
      this.#dropped += 1;
    }
  }

  get lines(): string[] {
    if (this.#dropped === 0) return [...this.#head, ...this.#tail];
    return [
      ...this.#head,
      `… ${this.#dropped} line${this.#dropped === 1 ? '' : 's'} truncated`,
      ...this.#tail,
    ];
  }
}
