import type BetterSqlite3 from 'better-sqlite3';
import * as messages from './database.messages';

/** Thrown at boot when another process holds the SQLite file; the message says what to do. */
export class SqliteFileInUseError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(messages.sqliteFileInUse(file), { cause });
    this.name = 'SqliteFileInUseError';
  }
}

/**
 * Makes `database` the only connection to its file for as long as it stays open, and switches
 * the file to WAL.
 *
 * better-sqlite3 is synchronous, so a write that waits for another process's lock blocks the
 * whole event loop for `busy_timeout`: every request, `/health` included, stalls behind it.
 * Holding SQLite's exclusive lock from boot to exit means no other process can take the lock
 * (it gets SQLITE_BUSY instead, and a second backend refuses to boot), so this process never
 * waits. With `locking_mode = EXCLUSIVE` set before WAL is first used, SQLite keeps the WAL index
 * in the process's memory rather than a `-shm` file; the lock is the operating system's, so it
 * is released when the process dies, even by SIGKILL, and no stale lock survives a crash.
 *
 * Called on a fresh connection, before `busy_timeout` is set: taking the lock does not wait.
 *
 * @throws SqliteFileInUseError when another process holds the file (the connection is closed).
 */
export function lockSqliteFile(database: BetterSqlite3.Database, file: string): void {
  try {
    database.pragma('busy_timeout = 0');
    database.pragma('locking_mode = EXCLUSIVE');
    database.pragma('journal_mode = WAL');
    // In exclusive mode the lock a write takes is kept after it commits: take it now, at boot.
    database.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (error) {
    database.close();
    if (isBusy(error)) throw new SqliteFileInUseError(file, error);
    throw error;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}
