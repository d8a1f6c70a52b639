/** Payload of every bus event: the deployment and the record event that was appended. */
export interface BusEvent {
  deployment: string;
  event: { type: string; message: string; at: string; data?: Record<string, unknown> };
}

type Listener = (payload: BusEvent) => void;

/**
 * Typed in-process event bus. Everything that happens to a deployment is first a record event (durable); the
 * bus tells subscribers in this process (progress printing, metrics, GitHub/GitLab mirrors) right after.
 */
export class EventBus {
  readonly #listeners = new Map<string, Set<Listener>>();

  /** `type` '*' receives every event. */
  on(type: string, listener: Listener): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(type: string, payload: BusEvent): void {
    for (const key of [type, '*']) {
      for (const listener of this.#listeners.get(key) ?? []) {
        try {
          listener(payload);
        } catch {
          // A failing subscriber must never fail a deployment.
        }
      }
    }
  }
}
