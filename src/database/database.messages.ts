/** Texts the database layer logs or throws. */

/** A migration was applied at boot. */
export function migrationApplied(name: string): string {
  return `Applied migration ${name}`;
}

/** A migration failed; the boot stops. */
export function migrationFailed(name: string | undefined): string {
  return name === undefined
    ? 'Database migrations failed before any migration ran'
    : `Database migration ${name} failed`;
}

/** The health check's query failed. */
export function healthCheckFailed(): string {
  return 'Database health check failed';
}

/**
 * A pooled PostgreSQL connection failed while idle (the server restarted, failed over, or a proxy
 * closed it). `detail` is the driver's code and message, never the connection settings.
 */
export function pooledConnectionLost(detail: string): string {
  return `A pooled PostgreSQL connection was lost (${detail}); the pool opens a new one when needed`;
}

/** A request failed because the database could not be reached or did not answer in time. */
export function databaseUnavailable(): string {
  return 'The database is unavailable; retry shortly.';
}

/** Logged once per request that got {@link databaseUnavailable}. */
export function requestFailedDatabaseUnavailable(
  method: string,
  path: string,
  detail: string,
): string {
  return `${method} ${path} answered 503: the database is unavailable (${detail})`;
}

/** The health check's query did not answer within its bound. */
export function healthCheckTimedOut(timeoutMs: number): string {
  return `Database health check did not answer within ${timeoutMs} ms`;
}

/**
 * Another process holds the SQLite file the backend was configured with; the boot stops.
 * `file` is a path, never a URL, so it holds no secret.
 */
export function sqliteFileInUse(file: string): string {
  return (
    `The SQLite file ${file} is in use by another process. One process per SQLite file: stop ` +
    'the other process (or give this one its own DATABASE_FILE), or set DATABASE_URL to a ' +
    'PostgreSQL database to run several instances.'
  );
}
