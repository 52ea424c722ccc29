import { randomBytes } from 'node:crypto';

/**
 * What a delivery log epoch looks like on the wire: 1–64 characters of `A–Z a–z 0–9 _ -`
 * (URL-safe, so that it travels in `?epoch=` unescaped). Opaque otherwise: clients only
 * compare it. What `DeliveryLogStore.epoch()` returns.
 */
export const DELIVERY_LOG_EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `value` is a well-formed epoch ({@link DELIVERY_LOG_EPOCH_PATTERN}). */
export function isDeliveryLogEpoch(value: unknown): value is string {
  return typeof value === 'string' && DELIVERY_LOG_EPOCH_PATTERN.test(value);
}

/**
 * A new epoch: 96 random bits, base64url (16 characters). Random rather than a counter or a
 * clock, so that a log recreated from scratch (or from an older backup whose epoch was renewed)
 * can never get an epoch a client saw before.
 */
export function newDeliveryLogEpoch(): string {
  return randomBytes(12).toString('base64url');
}
