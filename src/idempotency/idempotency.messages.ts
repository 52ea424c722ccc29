/** Texts the idempotency support answers, throws or logs. */

/** An `Idempotency-Key` header that is empty or too long. */
export function keyLength(maxLength: number): string {
  return `Idempotency-Key must be 1–${maxLength} characters.`;
}

/** The key was first used with another request. */
export function keyMismatch(): string {
  return 'This Idempotency-Key was used with a different request.';
}

/** The first request with the key is still running (or died and its lease has not ended). */
export function keyPending(): string {
  return 'A request with this Idempotency-Key is still in progress.';
}

/** The request outlived its lease and a retry took its key over; its effect is rolled back. */
export function claimLost(): string {
  return 'This request took too long: a retry with its Idempotency-Key took over.';
}

/** The answer of a request could not be stored because a retry took the key over. */
export function answerNotStored(): string {
  return 'An Idempotency-Key was taken over before its answer was stored';
}

/** The purge of expired keys failed; it runs again at the next interval. */
export function purgeFailed(): string {
  return 'Purging expired idempotency keys failed';
}
