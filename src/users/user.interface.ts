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
  /**
   * Access tokens carry the generation they were issued in (claim `gen`); signing out
   * everywhere moves it on, which voids every earlier token and ticket. 0 for a new user.
   */
  tokenGeneration: number;
}

/** A user with its stored password hash; stays inside the users module. */
export interface UserWithCredentials extends User {
  passwordHash: string;
}

/** What registering inserts: the generation starts at the column's default, 0. */
export type NewUser = Omit<UserWithCredentials, 'tokenGeneration'>;
