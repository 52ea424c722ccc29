/** SQLSTATE classes an entry's own content can cause: 22 data exception, 23 integrity constraint. */
const ENTRY_SQLSTATE_CLASSES = ['22', '23'];

/** SQLite result codes an entry's own content can cause (a constraint, a too big value). */
const ENTRY_SQLITE_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_TOOBIG', 'SQLITE_MISMATCH'];

/**
 * Whether a failed append may have been caused by one of its entries rather than by the
 * database (a dropped connection, a timeout, a lock): an id or a dedupe key already in the log,
 * text the database refuses. Only such a failure is worth retrying the group without a caller;
 * any other would fail every smaller group too, and retrying it would only hold up the commits
 * queued behind it (by as much as `lock_timeout` per attempt, for a lock).
 */
export function mayBeCausedByAnEntry(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 5; depth++) {
    const { code, cause: next } = cause as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      if (/^[0-9A-Z]{5}$/.test(code)) return ENTRY_SQLSTATE_CLASSES.includes(code.slice(0, 2));
      if (code.startsWith('SQLITE_')) {
        return ENTRY_SQLITE_CODES.some((prefix) => code.startsWith(prefix));
      }
    }
    cause = next;
  }
  return false;
}
