/** A listener of event `K` of map `E`. */
export type Listener<E, K extends keyof E> = (payload: E[K], meta: EventMeta) => unknown;

/** What comes with a server push besides its `data`. */
export interface EventMeta {
  /** Durable messages: position in the user's delivery log. */
  seq?: number;
  /** Durable messages: the entry's unique id. */
  id?: string;
}

const NO_META: EventMeta = Object.freeze({});

/**
 * A minimal typed event emitter with no dependency (browsers have no `node:events`).
 * Listeners run in the order added; one that throws does not stop the others.
 */
export class TypedEmitter<E> {
  private readonly listeners = new Map<keyof E, Set<Listener<E, keyof E>>>();

  /** Adds `listener`; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<E, keyof E>);
    return () => this.off(event, listener);
  }

  /** Like {@link on}, removed after the first call. */
  once<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    const off = this.on(event, (payload, meta) => {
      off();
      return listener(payload, meta);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E, K>): void {
    this.listeners.get(event)?.delete(listener as Listener<E, keyof E>);
  }

  /** Whether anything listens to `event`. */
  has(event: keyof E): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  /**
   * Calls every listener of `event`; returns what they returned (promises included), so a
   * caller can wait for asynchronous handlers. A listener's throw goes to `onError`.
   */
  emit<K extends keyof E>(
    event: K,
    payload: E[K],
    meta: EventMeta = NO_META,
    onError?: (error: unknown) => void,
  ): unknown[] {
    const set = this.listeners.get(event);
    if (set === undefined) return [];
    const results: unknown[] = [];
    for (const listener of [...set]) {
      try {
        results.push(listener(payload, meta));
      } catch (error) {
        onError?.(error);
      }
    }
    return results;
  }
}
