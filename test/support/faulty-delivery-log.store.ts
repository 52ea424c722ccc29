import type {
  DeliveryLogAck,
  DeliveryLogEntry,
  DeliveryLogHead,
  DeliveryLogRead,
  DeliveryLogRetention,
  DeliveryLogStore,
  NewDeliveryLogEntry,
} from '@nest-realtime/core';

type Method = keyof DeliveryLogStore;

/** The error an injected fault throws, shaped like a driver's (a message, a code). */
export class InjectedDatabaseError extends Error {
  readonly code = 'INJECTED_FAULT';

  constructor(method: string) {
    super(`injected fault in ${method}`);
    this.name = 'InjectedDatabaseError';
  }
}

/**
 * A real {@link DeliveryLogStore} with faults injected on chosen calls: `failNext('readAfter')`
 * makes the next call of that method throw as a database error would, without reaching the
 * database. Everything else goes to the real store, so what the log holds is real.
 */
export class FaultyDeliveryLogStore implements DeliveryLogStore {
  private readonly failures = new Map<Method, number>();
  /** Calls per method, counted whether they failed or not. */
  readonly calls = new Map<Method, number>();

  constructor(readonly inner: DeliveryLogStore) {}

  /** The next `times` calls of `method` throw {@link InjectedDatabaseError}. */
  failNext(method: Method, times = 1): void {
    this.failures.set(method, (this.failures.get(method) ?? 0) + times);
  }

  append(entries: readonly NewDeliveryLogEntry[]): Promise<DeliveryLogEntry[]> {
    return this.call('append', () => this.inner.append(entries));
  }

  ackMany(acks: readonly DeliveryLogAck[]): ReturnType<DeliveryLogStore['ackMany']> {
    return this.call('ackMany', () => this.inner.ackMany(acks));
  }

  readAfter(userId: string, afterSeq: number, limit: number): Promise<DeliveryLogRead> {
    return this.call('readAfter', () => this.inner.readAfter(userId, afterSeq, limit));
  }

  head(userId: string): Promise<DeliveryLogHead> {
    return this.call('head', () => this.inner.head(userId));
  }

  epoch(): Promise<string> {
    return this.call('epoch', () => this.inner.epoch());
  }

  lastSeqs(userIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.call('lastSeqs', () => this.inner.lastSeqs(userIds));
  }

  prune(retention: DeliveryLogRetention, now: number): Promise<number> {
    return this.call('prune', () => this.inner.prune(retention, now));
  }

  takeUndelivered(
    ...args: Parameters<DeliveryLogStore['takeUndelivered']>
  ): ReturnType<DeliveryLogStore['takeUndelivered']> {
    return this.call('takeUndelivered', () => this.inner.takeUndelivered(...args));
  }

  private async call<T>(method: Method, real: () => Promise<T>): Promise<T> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const left = this.failures.get(method) ?? 0;
    if (left > 0) {
      this.failures.set(method, left - 1);
      // A real failure arrives asynchronously, after the caller has gone on waiting.
      await new Promise((resolve) => setImmediate(resolve));
      throw new InjectedDatabaseError(method);
    }
    return real();
  }
}
