/** Texts the users module throws. */

/** Registration of a username that exists. */
export function usernameTaken(): string {
  return 'Username is already taken';
}

/** A stored password hash that is not in the `scrypt$N$r$p$salt$hash` format. */
export function malformedPasswordHash(): string {
  return 'Stored password hash is malformed';
}
