import { HttpStatus } from '@nestjs/common';
import type { ClusterConnections } from '../cluster/cluster-connections';
import { RetryLaterException } from '../common/retry-later.exception';
import type { AppConfigService } from '../config/app-config.service';
import { LoginBackoff } from './login.backoff';

// The in-memory store of a single instance; the Redis one is tested against a real Redis in
// test/login-backoff-redis.e2e-spec.ts.
describe('LoginBackoff', () => {
  const config = {
    throttle: { loginBackoff: { threshold: 2, baseMs: 1_000, maxMs: 5_000 } },
  } as AppConfigService;
  const single = { commands: undefined } as ClusterConnections;
  let backoff: LoginBackoff;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    backoff = new LoginBackoff(config, single);
  });

  afterEach(() => jest.useRealTimers());

  async function retryAfter(username: string): Promise<number | undefined> {
    try {
      await backoff.assertAllowed(username);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(RetryLaterException);
      expect((error as RetryLaterException).getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      return (error as RetryLaterException).retryAfterSeconds;
    }
  }

  it('refuses from the threshold on, doubling up to the cap, per username', async () => {
    await backoff.recordFailure('ada');
    expect(await retryAfter('ada')).toBeUndefined();
    await backoff.recordFailure('ada');
    expect(await retryAfter('ada')).toBe(1);
    expect(await retryAfter('bob')).toBeUndefined();
    await backoff.recordFailure('ada');
    expect(await retryAfter('ada')).toBe(2);
    for (let i = 0; i < 10; i++) await backoff.recordFailure('ada');
    expect(await retryAfter('ada')).toBe(5);
    jest.advanceTimersByTime(5_000);
    expect(await retryAfter('ada')).toBeUndefined();
  });

  it('forgets a username on success, and on its own once maxMs + baseMs pass without a failure', async () => {
    await backoff.recordFailure('ada');
    await backoff.recordFailure('ada');
    await backoff.recordSuccess('ada');
    expect(await retryAfter('ada')).toBeUndefined();
    await backoff.recordFailure('ada');
    expect(await retryAfter('ada')).toBeUndefined();
    jest.advanceTimersByTime(6_001);
    // Forgotten: the next failure is the first again, below the threshold.
    await backoff.recordFailure('ada');
    expect(await retryAfter('ada')).toBeUndefined();
  });
});
