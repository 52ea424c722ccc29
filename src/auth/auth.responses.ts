import type { UserRole } from '../users/user.interface';

/** Answer of `POST /auth/register`. */
export interface RegisteredUser {
  id: string;
  username: string;
  role: UserRole;
}

/** Answer of `POST /auth/login`. */
export interface AccessToken {
  /** HS256 JWT; send it as `Authorization: Bearer <token>`. */
  accessToken: string;
  /** Seconds until it expires. */
  expiresIn: number;
}
