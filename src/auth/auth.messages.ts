/** Texts the auth module answers or throws. Never include a credential in any of them. */

/** The request carries no credential. */
export function missingCredentials(): string {
  return 'Authentication required';
}

/** The credential is malformed, forged, expired or already used. */
export function invalidCredentials(): string {
  return 'Invalid or expired credentials';
}

/**
 * Logged for a failed login: the username quoted (it is the client's text, and may hold any
 * character) and the client address. Never the password.
 */
export function loginFailed(username: string, clientIp: string | undefined): string {
  return `Login failed for username ${JSON.stringify(username)} from ${clientIp ?? 'unknown address'}`;
}

/** Login with an unknown username or a wrong password: one text for both. */
export function invalidUsernameOrPassword(): string {
  return 'Invalid username or password';
}

/** The user lacks a role the route requires. */
export function missingRole(roles: readonly string[]): string {
  return `This action requires the role ${roles.join(' or ')}`;
}

/** `@CurrentUser()` on a route that no authentication guard protects: a programming error. */
export function currentUserWithoutGuard(): string {
  return '@CurrentUser() used on a route without JwtAuthGuard';
}

/** A username with characters outside the allowed set. */
export function usernameCharacters(): string {
  return 'username may only contain letters, digits, "_", "." and "-"';
}

/** Too many failed logins for one username: retry after the `Retry-After` header. */
export function tooManyFailedLogins(): string {
  return 'Too many failed logins for this username; retry later';
}

/** A client exceeded a REST rate limit. */
export function tooManyRequests(): string {
  return 'Too many requests; retry later';
}
