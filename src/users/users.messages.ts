/** Texts the users module throws. */

/** Registration of a username that exists. */
export function usernameTaken(): string {
  return 'Username is already taken';
}

/** A stored password hash that is not in the `scrypt$N$r$p$salt$hash` format. */
export function malformedPasswordHash(): string {
  return 'Stored password hash is malformed';
}

/** Every password hashing slot is busy and the queue is full: retry shortly. */
export function hashingBusy(): string {
  return 'Too many sign-ins at once; retry shortly';
}

/** Re-hashing a password at the current cost failed; the login went ahead. */
export function rehashFailed(): string {
  return 'Could not re-hash a password at the current cost; will retry at the next login';
}
