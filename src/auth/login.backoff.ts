import { HttpStatus, Injectable } from '@nestjs/common';
import { RetryLaterException } from '../common/retry-later.exception';
import { AppConfigService } from '../config/app-config.service';
import * as messages from './auth.messages';

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  /** Epoch ms before which logins for this username are refused. */
  refusedUntil: number;
}

/** Remembered usernames above which stale records are swept on the next failure. */
const SWEEP_ABOVE = 10_000;

/**
 * Per-username backoff after failed logins, from any IP: after `threshold` failures each further
 * attempt within the refusal window gets 429 with `Retry-After`, the window doubling with each
 * failure up to `maxMs`. A success forgets the username; so does `maxMs` without a failure. The
 * real user is never locked out for longer than `maxMs` at a time.
 *
 * Kept in this process's memory: with several instances (REDIS_URL) each counts on its own, so an
 * attacker spread across N instances gets N times the attempts. Sharing it through Redis would
 * need atomic scripts; the per-IP limit and the hashing cost already bound the rate.
 */
@Injectable()
export class LoginBackoff {
  private readonly records = new Map<string, FailureRecord>();
  private readonly threshold: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(config: AppConfigService) {
    ({
      threshold: this.threshold,
      baseMs: this.baseMs,
      maxMs: this.maxMs,
    } = config.throttle.loginBackoff);
  }

  /** @throws RetryLaterException (429) while `username` is in a refusal window. */
  assertAllowed(username: string): void {
    const record = this.current(username);
    if (record === undefined) return;
    const waitMs = record.refusedUntil - Date.now();
    if (waitMs > 0) {
      throw new RetryLaterException(
        HttpStatus.TOO_MANY_REQUESTS,
        Math.ceil(waitMs / 1000),
        messages.tooManyFailedLogins(),
      );
    }
  }

  /** Counts a failed login for `username`, starting or lengthening its refusal window. */
  recordFailure(username: string): void {
    const now = Date.now();
    const failures = (this.current(username)?.failures ?? 0) + 1;
    const refusalMs =
      failures < this.threshold
        ? 0
        : Math.min(this.maxMs, this.baseMs * 2 ** Math.min(failures - this.threshold, 30));
    this.records.set(username, { failures, lastFailureAt: now, refusedUntil: now + refusalMs });
    if (this.records.size > SWEEP_ABOVE) this.sweep(now);
  }

  /** Forgets `username`'s failures after a successful login. */
  recordSuccess(username: string): void {
    this.records.delete(username);
  }

  private current(username: string): FailureRecord | undefined {
    const record = this.records.get(username);
    if (record !== undefined && Date.now() - record.lastFailureAt > this.maxMs + this.baseMs) {
      this.records.delete(username);
      return undefined;
    }
    return record;
  }

  private sweep(now: number): void {
    for (const [username, record] of this.records) {
      if (now - record.lastFailureAt > this.maxMs + this.baseMs) this.records.delete(username);
    }
  }
}
