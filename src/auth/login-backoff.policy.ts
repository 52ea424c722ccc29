/** LOGIN_BACKOFF_*: when failed logins start to be refused, and for how long. */
export interface LoginBackoffPolicy {
  /** Failures (in a row, from any IP) from which a login is refused for a while. */
  threshold: number;
  /** The first refusal's length; each further failure doubles it. */
  baseMs: number;
  /** The longest refusal; also how long failures are remembered after the last one. */
  maxMs: number;
}

/** Ms a username is refused after its `failures`-th failure in a row (0 below the threshold). */
export function refusalMs(policy: LoginBackoffPolicy, failures: number): number {
  if (failures < policy.threshold) return 0;
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - policy.threshold, 30));
}

/** Ms after its last failure that a username's count is forgotten. */
export function rememberMs(policy: LoginBackoffPolicy): number {
  return policy.maxMs + policy.baseMs;
}

/**
 * Where failed logins are counted: this process's memory, or Redis with several instances. A
 * store never throws: a shared one that cannot reach its server answers from memory.
 */
export interface LoginBackoffStore {
  /** Ms `username` is still refused for; 0 when it may try. */
  refusedFor(username: string): Promise<number>;
  /** Counts a failed login, starting or lengthening the refusal. */
  recordFailure(username: string): Promise<void>;
  /** Forgets `username`'s failures (a successful login). */
  forget(username: string): Promise<void>;
}
