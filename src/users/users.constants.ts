/** Shortest username accepted at registration. */
export const USERNAME_MIN_LENGTH = 3;
/** Longest username accepted at registration. */
export const USERNAME_MAX_LENGTH = 32;
/**
 * Characters a username may contain. Kept to a URL- and log-safe set so a username can appear in
 * room names, paths and log lines without escaping.
 */
export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
/** Shortest password accepted at registration. */
export const PASSWORD_MIN_LENGTH = 8;
/**
 * Longest password accepted. Bounds the work a single request can make scrypt do, and is far
 * above what a passphrase needs.
 */
export const PASSWORD_MAX_LENGTH = 128;

/** Roles a user can hold. */
export const USER_ROLES = ['user', 'admin'] as const;

/** Injection token of the `PasswordHashingSettings` the `PasswordHasher` works with. */
export const PASSWORD_HASHING_SETTINGS = Symbol('PASSWORD_HASHING_SETTINGS');
