import { createSecretKey } from 'node:crypto';

/** Type of the pushed message in every scenario, as the classic tutorials name it. */
export const PUSH_TYPE = 'schedule-reminder';

/**
 * Shared HS256 key of the JWTs every server verifies, as a `KeyObject` built once: given a
 * string, jsonwebtoken first tries to parse it as a PEM public key on every call, which costs
 * about 0.5 ms per verification on Node 20 and would drown what the servers themselves cost.
 * Every server uses this same key and the same `JwtService.verifyAsync` call.
 */
export const BENCH_KEY = createSecretKey(
  Buffer.from('bench-secret-0123456789abcdef0123456789abcdef'),
);

/** Monotonic milliseconds, comparable across processes on one machine (CLOCK_MONOTONIC). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The ~200-byte reminder every server pushes (as `{"type":"schedule-reminder","data":…}`).
 * `sentAt` lets clients measure delivery latency.
 */
export function reminder(sentAt: number): Record<string, unknown> {
  return {
    id: 'rem-7f3c2a9e',
    title: 'Stand-up in the small meeting room',
    body: 'Bring the numbers for the review',
    dueAt: '2026-11-21T09:00:00.000Z',
    firedAt: '2026-11-21T09:00:00.004Z',
    sentAt,
  };
}
