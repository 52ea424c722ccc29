import { HttpStatus, Injectable } from '@nestjs/common';
import { ClusterConnections } from '../cluster/cluster-connections';
import { RetryLaterException } from '../common/retry-later.exception';
import { AppConfigService } from '../config/app-config.service';
import * as messages from './auth.messages';
import type { LoginBackoffStore } from './login-backoff.policy';
import { MemoryLoginBackoffStore } from './memory-login-backoff.store';
import { RedisLoginBackoffStore } from './redis-login-backoff.store';

/**
 * Per-username backoff after failed logins, from any IP: after `threshold` failures each further
 * attempt within the refusal window gets 429 with `Retry-After`, the window doubling with each
 * failure up to `maxMs`. A success forgets the username; so does `maxMs` without a failure. The
 * real user is never locked out for longer than `maxMs` at a time.
 *
 * Counted in this process's memory, or with REDIS_URL in Redis, shared by every instance (in
 * memory again while Redis is down).
 */
@Injectable()
export class LoginBackoff {
  private readonly store: LoginBackoffStore;

  constructor(config: AppConfigService, connections: ClusterConnections) {
    const policy = config.throttle.loginBackoff;
    this.store =
      connections.commands === undefined
        ? new MemoryLoginBackoffStore(policy)
        : new RedisLoginBackoffStore(connections.commands, policy, 'nest-realtime:backend:login:');
  }

  /** @throws RetryLaterException (429) while `username` is in a refusal window. */
  async assertAllowed(username: string): Promise<void> {
    const waitMs = await this.store.refusedFor(username);
    if (waitMs > 0) {
      throw new RetryLaterException(
        HttpStatus.TOO_MANY_REQUESTS,
        Math.ceil(waitMs / 1000),
        messages.tooManyFailedLogins(),
      );
    }
  }

  /** Counts a failed login for `username`, starting or lengthening its refusal window. */
  recordFailure(username: string): Promise<void> {
    return this.store.recordFailure(username);
  }

  /** Forgets `username`'s failures after a successful login. */
  recordSuccess(username: string): Promise<void> {
    return this.store.forget(username);
  }
}
