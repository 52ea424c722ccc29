import type { Redis } from 'ioredis';
import {
  refusalMs,
  rememberMs,
  type LoginBackoffPolicy,
  type LoginBackoffStore,
} from './login-backoff.policy';
import { MemoryLoginBackoffStore } from './memory-login-backoff.store';

/**
 * Failed logins counted in Redis, so that every instance sees them: an attacker spreading
 * guesses over N instances gets no more attempts than against one. Two keys a username: the
 * failure count (expiring {@link rememberMs} after the last failure) and the refusal (expiring
 * when it ends), so no instance's clock is involved. While Redis is down the instance counts in
 * its own memory ({@link MemoryLoginBackoffStore}): slowed per instance rather than failing
 * every login, and never a 500.
 */
export class RedisLoginBackoffStore implements LoginBackoffStore {
  private readonly fallback: MemoryLoginBackoffStore;

  constructor(
    private readonly redis: Redis,
    private readonly policy: LoginBackoffPolicy,
    private readonly keyPrefix: string,
  ) {
    this.fallback = new MemoryLoginBackoffStore(policy);
  }

  async refusedFor(username: string): Promise<number> {
    if (!this.ready()) return this.fallback.refusedFor(username);
    try {
      const ttl = await this.redis.pttl(this.refusalKey(username));
      return Math.max(0, ttl);
    } catch {
      return this.fallback.refusedFor(username);
    }
  }

  async recordFailure(username: string): Promise<void> {
    if (!this.ready()) return this.fallback.recordFailure(username);
    try {
      const failuresKey = this.failuresKey(username);
      const replies = await this.redis
        .multi()
        .incr(failuresKey)
        .pexpire(failuresKey, rememberMs(this.policy))
        .exec();
      const failures = Number(replies?.[0]?.[1]);
      const refusal = refusalMs(this.policy, Number.isFinite(failures) ? failures : 1);
      if (refusal > 0) await this.redis.set(this.refusalKey(username), '1', 'PX', refusal);
    } catch {
      await this.fallback.recordFailure(username);
    }
  }

  async forget(username: string): Promise<void> {
    await this.fallback.forget(username);
    if (!this.ready()) return;
    try {
      await this.redis.del(this.failuresKey(username), this.refusalKey(username));
    } catch {
      // Nothing to undo: the count expires by itself.
    }
  }

  /** Whether commands can go out now (no offline queue: a command while down fails at once). */
  private ready(): boolean {
    return this.redis.status === 'ready';
  }

  private failuresKey(username: string): string {
    return `${this.keyPrefix}failures:${username}`;
  }

  private refusalKey(username: string): string {
    return `${this.keyPrefix}refused:${username}`;
  }
}
