import type { USER_ROLES } from './users.constants';

/** What a user may do: `admin` may notify anyone; `user` only itself. */
export type UserRole = (typeof USER_ROLES)[number];

/** A user as the rest of the application sees it: never with its password hash. */
export interface User {
  /** UUID v4. */
  id: string;
  username: string;
  role: UserRole;
  /** ISO 8601. */
  createdAt: string;
}

/** A user with its stored password hash; stays inside the users module. */
export interface UserWithCredentials extends User {
  passwordHash: string;
}
