/** Name of the per-IP limit every REST route gets. */
export const DEFAULT_THROTTLER = 'default';
/** Name of the stricter per-IP limit on the routes marked `@CredentialsThrottle()`. */
export const CREDENTIALS_THROTTLER = 'credentials';
/** Metadata key `@CredentialsThrottle()` sets. */
export const CREDENTIALS_THROTTLE = 'app:credentials-throttle';
