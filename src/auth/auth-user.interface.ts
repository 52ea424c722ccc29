import type { UserRole } from '../users/user.interface';

/**
 * The claims of an access token, and what {@link JwtAuthGuard} puts on `request.user` (for a
 * WebSocket ticket: the claims of the token the ticket was issued for).
 */
export interface AuthUser {
  /** User id (UUID). */
  sub: string;
  username: string;
  role: UserRole;
  /** Issued at, seconds since the epoch. */
  iat?: number;
  /** Expires at, seconds since the epoch. */
  exp?: number;
  /** The user's token generation when it was issued; absent (0) on tokens from before it. */
  gen?: number;
}
