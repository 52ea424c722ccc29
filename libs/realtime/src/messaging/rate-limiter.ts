import type { RealtimeConnection } from '../registry/realtime-connection';

/**
 * Takes one token from a connection's bucket, refilled at `perSecond` up to `burst`.
 *
 * @returns 0 when the message may pass, otherwise the milliseconds until a token is available.
 */
export function takeToken(
  connection: RealtimeConnection,
  perSecond: number,
  burst: number,
  now: number,
): number {
  const refill = ((now - connection.refilledAt) * perSecond) / 1000;
  connection.tokens = Math.min(burst, connection.tokens + refill);
  connection.refilledAt = now;
  if (connection.tokens >= 1) {
    connection.tokens -= 1;
    return 0;
  }
  return Math.ceil(((1 - connection.tokens) * 1000) / perSecond);
}
