/**
 * Whether `error` is a unique-constraint violation. Drivers report it differently, so the check
 * lives here, beside the dialect choice, rather than in every repository.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  // better-sqlite3 reports UNIQUE and PRIMARY KEY separately; pg reports both as 23505.
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/**
 * SQLSTATEs that say the database could not do the work now, not that the request was wrong:
 * retrying later can succeed. Classes: 08 connection exception, 28 invalid authorization (a
 * role locked out during maintenance), 53 insufficient resources (too many connections, disk
 * full), 57P operator intervention (admin/crash shutdown, cannot connect now).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '28', '53', '57P'];

/** Single SQLSTATEs with the same meaning. */
const UNAVAILABLE_SQLSTATES = new Set([
  // query_canceled: statement_timeout expired (or an operator cancelled the query).
  '57014',
  // lock_not_available: lock_timeout expired waiting for a row another session holds.
  '55P03',
  // idle_in_transaction_session_timeout ended the session.
  '25P03',
  // serialization_failure and deadlock_detected: the transaction was rolled back; retry.
  '40001',
  '40P01',
]);

/** Socket-level failures reaching the database server (Node's `error.code`). */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Texts `pg`, `pg-pool` and Kysely give errors that carry no code: a connection that ended, a
 * pool that could not hand out a connection in time, a database handle already closed (a request
 * that outlived shutdown). Matched from the start of the message.
 */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
];

/** How deep {@link isDatabaseUnavailable} follows `cause` and `AggregateError.errors`. */
const MAX_CAUSE_DEPTH = 4;

/**
 * Whether `error` means the database is unreachable or too busy to answer in time — connection
 * refused, reset or ended, a connect or statement or lock timeout, PostgreSQL shutting down,
 * SQLite's `SQLITE_BUSY` — as opposed to a bug or a bad request. Such a failure is answered with
 * 503 and a `Retry-After`, not 500. The transaction it happened in was rolled back (or, if the
 * connection ended during `COMMIT`, its outcome is unknown to this process: retry with an
 * `Idempotency-Key`).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_CAUSE_DEPTH) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && isUnavailableCode(code)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m))) {
    return true;
  }
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) {
    return true;
  }
  return isDatabaseUnavailable(cause, depth + 1);
}

function isUnavailableCode(code: string): boolean {
  // better-sqlite3: SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, …).
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return true;
  if (UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  if (!/^[0-9A-Z]{5}$/.test(code)) return false;
  return (
    UNAVAILABLE_SQLSTATES.has(code) ||
    UNAVAILABLE_SQLSTATE_CLASSES.some((prefix) => code.startsWith(prefix))
  );
}

/**
 * `code: message` of a database error, for logs: never the error object itself, whose `client`
 * (added by `pg-pool`) holds the connection settings.
 */
export function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
