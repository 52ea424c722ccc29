import {
  refusalMs,
  rememberMs,
  type LoginBackoffPolicy,
  type LoginBackoffStore,
} from './login-backoff.policy';

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  /** Epoch ms before which logins for this username are refused. */
  refusedUntil: number;
}

/** Remembered usernames above which stale records are swept on the next failure. */
const SWEEP_ABOVE = 10_000;

/**
 * Failed logins counted in this process's memory: the store of a single instance, and the
 * fallback of the Redis one while Redis is down. Stale usernames are swept once there are many,
 * so a spray of made-up names cannot grow it without bound.
 */
export class MemoryLoginBackoffStore implements LoginBackoffStore {
  private readonly records = new Map<string, FailureRecord>();

  constructor(private readonly policy: LoginBackoffPolicy) {}

  refusedFor(username: string): Promise<number> {
    const record = this.current(username);
    return Promise.resolve(
      record === undefined ? 0 : Math.max(0, record.refusedUntil - Date.now()),
    );
  }

  recordFailure(username: string): Promise<void> {
    const now = Date.now();
    const failures = (this.current(username)?.failures ?? 0) + 1;
    const refusal = refusalMs(this.policy, failures);
    this.records.set(username, { failures, lastFailureAt: now, refusedUntil: now + refusal });
    if (this.records.size > SWEEP_ABOVE) this.sweep(now);
    return Promise.resolve();
  }

  forget(username: string): Promise<void> {
    this.records.delete(username);
    return Promise.resolve();
  }

  private current(username: string): FailureRecord | undefined {
    const record = this.records.get(username);
    if (record !== undefined && Date.now() - record.lastFailureAt > rememberMs(this.policy)) {
      this.records.delete(username);
      return undefined;
    }
    return record;
  }

  private sweep(now: number): void {
    const remember = rememberMs(this.policy);
    for (const [username, record] of this.records) {
      if (now - record.lastFailureAt > remember) this.records.delete(username);
    }
  }
}
