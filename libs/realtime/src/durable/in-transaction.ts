import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Runs `work` in a transaction on one connection of `db`, as `db.transaction().execute` does,
 * except that a failed transaction rejects with the error that failed it. On some errors
 * SQLite rolls the transaction back by itself (`SQLITE_FULL` on a full disk, `SQLITE_IOERR`);
 * Kysely's ROLLBACK then fails with "cannot rollback - no transaction is active", and that
 * error replaced the one the caller needs (a full disk is not a bug in the statement).
 */
export function inTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    let result: T;
    try {
      // Every query of `work` runs on this connection, inside the transaction just begun.
      result = await work(connection as unknown as Transaction<DB>);
      await sql`commit`.execute(connection);
    } catch (error) {
      // A failed ROLLBACK means the database ended the transaction already (or the
      // connection is gone, and the pool drops it): either way `error` is what went wrong.
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
    return result;
  });
}
