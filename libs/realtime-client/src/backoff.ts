/** How long to wait before reconnect attempts. */
export interface BackoffOptions {
  /** Delay bound of the first retry, ms. Default `500`. */
  baseMs: number;
  /** Upper bound of any delay, ms. Default `20000`. */
  capMs: number;
}

/**
 * "Full jitter" exponential backoff: a delay drawn uniformly from `[0, min(cap, base · 2^attempt))`.
 * Spreading retries over the whole window keeps a fleet of clients that lost the same server
 * from coming back in waves (AWS Architecture Blog, "Exponential Backoff and Jitter").
 *
 * @param attempt retries so far since the last stable connection, from 0.
 * @param random a source of numbers in `[0, 1)`.
 */
export function fullJitterDelay(
  attempt: number,
  { baseMs, capMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  // 2^attempt overflows to Infinity long after the cap applies; min() keeps it finite.
  const window = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * window);
}
