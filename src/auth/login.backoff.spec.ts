import { HttpStatus } from '@nestjs/common';
import { RetryLaterException } from '../common/retry-later.exception';
import type { AppConfigService } from '../config/app-config.service';
import { LoginBackoff } from './login.backoff';

describe('LoginBackoff', () => {
  const config = {
    throttle: { loginBackoff: { threshold: 2, baseMs: 1_000, maxMs: 5_000 } },
  } as AppConfigService;
  let backoff: LoginBackoff;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    backoff = new LoginBackoff(config);
  });

  afterEach(() => jest.useRealTimers());

  function retryAfter(username: string): number | undefined {
    try {
      backoff.assertAllowed(username);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(RetryLaterException);
      expect((error as RetryLaterException).getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      return (error as RetryLaterException).retryAfterSeconds;
    }
  }

  it('refuses from the threshold on, doubling up to the cap, per username', () => {
    backoff.recordFailure('ada');
    expect(retryAfter('ada')).toBeUndefined();
    backoff.recordFailure('ada');
    expect(retryAfter('ada')).toBe(1);
    expect(retryAfter('bob')).toBeUndefined();
    backoff.recordFailure('ada');
    expect(retryAfter('ada')).toBe(2);
    for (let i = 0; i < 10; i++) backoff.recordFailure('ada');
    expect(retryAfter('ada')).toBe(5);
    jest.advanceTimersByTime(5_000);
    expect(retryAfter('ada')).toBeUndefined();
  });

  it('forgets a username on success', () => {
    backoff.recordFailure('ada');
    backoff.recordFailure('ada');
    backoff.recordSuccess('ada');
    expect(retryAfter('ada')).toBeUndefined();
    backoff.recordFailure('ada');
    expect(retryAfter('ada')).toBeUndefined();
  });
});
