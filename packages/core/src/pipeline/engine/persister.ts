interface Waiter {
  /** Resolved once a write covering this many changes has finished. */
  changes: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Coalescing writer. Every transition marks the state changed; at most one write is in flight, and changes that
 * arrive meanwhile go into the next one. `flush()` resolves once a write containing everything changed before
 * the call has finished, so "durable before the dependent starts" costs one shared write per wave of steps,
 * not one per transition. A failed write fails every pending and later `flush()`.
 */
export class CoalescingPersister<S> {
  #changes = 0;
  #written = 0;
  #writing = false;
  #scheduled = false;
  #failure: { error: Error } | undefined;
  #writes = 0;
  #waiters: Waiter[] = [];

  constructor(
    private readonly snapshot: () => S,
    private readonly write: (state: S) => Promise<void>,
  ) {}

  /** How many times `write` was called. */
  get writes(): number {
    return this.#writes;
  }

  /** The state changed: write it soon. Never throws (a failure surfaces in `flush`). */
  changed(): void {
    this.#changes += 1;
    this.#schedule();
  }

  /** Changes so far: a mark to `flush` up to later. */
  get changes(): number {
    return this.#changes;
  }

  /** Resolves once every change up to `upTo` (default: all so far) is written. */
  flush(upTo: number = this.#changes): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#written >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ changes: upTo, resolve, reject }));
  }

  /**
   * Start the next write on the next turn of the event loop rather than at the first change: steps that finish
   * in one burst of promise callbacks then share a write instead of the first one taking a partial state.
   */
  #schedule(): void {
    if (this.#scheduled || this.#writing || this.#failure) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start(): void {
    if (this.#writing || this.#failure || this.#written >= this.#changes) return;
    this.#writing = true;
    const covered = this.#changes;
    this.#writes += 1;
    // Snapshot now, so it matches `covered`; a `write` that throws synchronously is treated as a rejection.
    const snapshot = this.snapshot();
    const pending = Promise.resolve().then(() => this.write(snapshot));
    pending.then(
      () => {
        this.#writing = false;
        this.#written = covered;
        const due = this.#waiters.filter((waiter) => waiter.changes <= covered);
        this.#waiters = this.#waiters.filter((waiter) => waiter.changes > covered);
        for (const waiter of due) waiter.resolve();
        this.#schedule();
      },
      (reason: unknown) => {
        const error = reason instanceof Error ? reason : new Error(String(reason));
        this.#writing = false;
        this.#failure = { error };
        for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
      },
    );
  }
}
