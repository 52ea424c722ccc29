import { USER_ROLES } from '../users/users.constants';
import type { AuthUser } from './auth-user.interface';

/**
 * Whether `value` has the shape of {@link AuthUser}. A token with a valid signature but other
 * claims (signed by another service sharing the secret, or by an older version) is refused.
 */
export function isAuthUser(value: unknown): value is AuthUser {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  return (
    typeof claims.sub === 'string' &&
    claims.sub !== '' &&
    typeof claims.username === 'string' &&
    (USER_ROLES as readonly unknown[]).includes(claims.role) &&
    (claims.exp === undefined || typeof claims.exp === 'number') &&
    (claims.iat === undefined || typeof claims.iat === 'number') &&
    (claims.gen === undefined || Number.isSafeInteger(claims.gen))
  );
}

/** Whether the user holds the `admin` role. */
export function isAdmin(user: Pick<AuthUser, 'role'>): boolean {
  return user.role === 'admin';
}
