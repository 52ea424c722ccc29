/**
 * Every text the configuration layer logs or throws, as functions so that tests can assert
 * against the same wording the code uses.
 */

/** The boot failure listing every invalid environment variable. */
export function invalidEnvironment(
  variables: readonly string[],
  problems: readonly string[],
): string {
  return [
    `Invalid environment variables (${variables.join(', ')}):`,
    ...problems.map((problem) => `  - ${problem}`),
  ].join('\n');
}

/** A production boot without a signing secret. */
export function jwtSecretRequired(): string {
  return 'JWT_SECRET is required when NODE_ENV is production';
}

/** A URL path variable that does not start with a slash. */
export function mustBeUrlPath(variable: string): string {
  return `${variable} must be a URL path starting with "/" (no spaces, "?" or "#")`;
}

/** A list variable with an entry that is not a bare origin. */
export function mustBeExactOrigins(variable: string): string {
  return `${variable} must list exact origins separated by commas, such as https://app.example.com`;
}

/** A list variable with an entry that is not a valid username. */
export function mustBeUsernames(variable: string): string {
  return `${variable} must list usernames (3 to 32 of a-z A-Z 0-9 _ . -) separated by commas`;
}

/** A boolean variable with another value than `true` or `false`. */
export function mustBeBoolean(variable: string): string {
  return `${variable} must be "true" or "false"`;
}

/** A variable with a value outside its list. */
export function mustBeOneOf(variable: string, values: readonly string[]): string {
  return `${variable} must be one of ${values.join(', ')}`;
}

/** Warned at each boot that signs tokens with the development secret; never contains the secret. */
export function usingDevelopmentJwtSecret(file: string, generated: boolean): string {
  return (
    `JWT_SECRET is not set: signing tokens with the development secret ` +
    `${generated ? 'generated now into' : 'kept in'} ${file}. Set JWT_SECRET in production.`
  );
}

/** The persisted development secret exists but holds nothing usable. */
export function jwtSecretFileEmpty(file: string): string {
  return `The development JWT secret file ${file} is empty: delete it or set JWT_SECRET`;
}

/** The `message` of a REST 400 caused by an invalid body, query or parameter. */
export function validationFailed(): string {
  return 'Validation failed';
}

/** REDIS_URL that is not a Redis URL. */
export function redisUrlInvalid(): string {
  return 'REDIS_URL must be a redis:// or rediss:// URL';
}

/** REDIS_URL without PostgreSQL. */
export function redisNeedsPostgres(): string {
  return 'REDIS_URL needs DATABASE_URL: several instances share one PostgreSQL database (SQLite serves a single process)';
}

/** METRICS_TOKEN that a scraper's credential should not be (never shows the value). */
export function metricsTokenTooShort(): string {
  return 'METRICS_TOKEN must be at least 16 characters (a random one: openssl rand -hex 32)';
}

/** TRUST_PROXY in none of the forms Express takes. */
export function trustProxyInvalid(): string {
  return (
    'TRUST_PROXY must be "true", "false", a number of proxy hops, or comma-separated addresses, ' +
    'subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal'
  );
}

/** HEADERS_TIMEOUT_MS not above KEEP_ALIVE_TIMEOUT_MS. */
export function headersTimeoutNotAboveKeepAlive(): string {
  return 'HEADERS_TIMEOUT_MS must be greater than KEEP_ALIVE_TIMEOUT_MS';
}

/** Only one of the two TLS files is set. */
export function tlsNeedsBoth(): string {
  return 'TLS_CERT_FILE and TLS_KEY_FILE must be set together (or neither, for plain HTTP)';
}

/** A TLS file that cannot be read; the path is not a secret, the file's content is never shown. */
export function tlsFileUnreadable(variable: string, file: string): string {
  return `${variable} must name a readable file: cannot read ${file}`;
}
