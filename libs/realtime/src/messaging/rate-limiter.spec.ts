import type { RealtimeConnection } from '../registry/realtime-connection';
import { takeToken } from './rate-limiter';

describe('takeToken', () => {
  const bucket = (tokens: number, refilledAt: number) =>
    ({ tokens, refilledAt }) as RealtimeConnection;

  it('lets a burst through, then asks to wait for the next token', () => {
    const connection = bucket(3, 0);
    expect([0, 0, 0].map(() => takeToken(connection, 10, 3, 0))).toEqual([0, 0, 0]);
    expect(takeToken(connection, 10, 3, 0)).toBe(100);
  });

  it('refills at the sustained rate, never above the burst', () => {
    const connection = bucket(0, 0);
    expect(takeToken(connection, 10, 3, 50)).toBe(50);
    expect(takeToken(connection, 10, 3, 100)).toBe(0);
    expect(takeToken(connection, 10, 3, 100_000)).toBe(0);
    expect(connection.tokens).toBe(2);
  });
});
