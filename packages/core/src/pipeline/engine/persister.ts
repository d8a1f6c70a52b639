/**
 * Coalescing writer. Every transition marks the state dirty and kicks a write; at most one write is in flight,
 * and transitions that arrive meanwhile go into the next one. `flush()` resolves once a write that contains
 * everything changed before the call has finished, so "durable before the dependent starts" costs one shared
 * write per wave of steps, not one per transition.
 */
export class CoalescingPersister<S> {
  #changes = 0;
  #written = 0;
  #inFlight: Promise<void> | undefined;
  #failure: unknown;
  #writes = 0;

  constructor(
    private readonly snapshot: () => S,
    private readonly write: (state: S) => Promise<void>,
  ) {}

  /** How many times `write` was called (the benchmark reports it). */
  get writes(): number {
    return this.#writes;
  }

  /** Record that the state changed and start writing it soon; never throws (errors surface in `flush`). */
  changed(): void {
    this.#changes += 1;
    this.#kick();
  }

  async flush(): Promise<void> {
    const target = this.#changes;
    while (this.#written < target) {
      if (this.#failure !== undefined) throw this.#failure;
      this.#kick();
      await this.#inFlight;
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  #kick(): void {
    if (this.#inFlight || this.#failure !== undefined || this.#written >= this.#changes) return;
    const covered = this.#changes;
    const state = this.snapshot();
    this.#writes += 1;
    this.#inFlight = this.write(state).then(
      () => {
        this.#written = covered;
        this.#inFlight = undefined;
        this.#kick();
      },
      (error: unknown) => {
        this.#failure = error;
        this.#inFlight = undefined;
      },
    );
  }
}
