import BetterSqlite3 from 'better-sqlite3';
import { PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPostgresPool, type PostgresTimeouts } from './postgres-pool.factory';
import { lockSqliteFile } from './sqlite-file.lock';

/** What the dialect factory needs to know. */
export interface DatabaseConnectionSettings {
  /** SQLite file path, or `:memory:`. */
  databaseFile: string;
  /** PostgreSQL URL; when set, it wins over {@link databaseFile}. */
  databaseUrl?: string;
  /** Bounds on every PostgreSQL connection; used with {@link databaseUrl}. */
  postgresTimeouts: PostgresTimeouts;
}

/**
 * Milliseconds a write waits for another connection's lock before failing with SQLITE_BUSY. A
 * safety net only: the backend holds its file exclusively ({@link lockSqliteFile}), so no other
 * connection can hold a lock it waits for.
 */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Builds the Kysely dialect for the configured database. The one place that knows which engine
 * is in use, so that PostgreSQL can be added here without touching queries or modules.
 */
export function createDatabaseDialect(settings: DatabaseConnectionSettings): Dialect {
  const { databaseFile, databaseUrl } = settings;
  if (databaseUrl !== undefined) {
    return new PostgresDialect({
      pool: createPostgresPool(databaseUrl, settings.postgresTimeouts),
    });
  }
  const inMemory = databaseFile === ':memory:';
  if (!inMemory) mkdirSync(dirname(databaseFile), { recursive: true });
  const database = new BetterSqlite3(databaseFile);
  // One process per file, in WAL (see lockSqliteFile); foreign keys are off by default in
  // SQLite and must be enabled on every connection.
  if (!inMemory) lockSqliteFile(database, databaseFile);
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return new SqliteDialect({ database });
}
