import BetterSqlite3 from 'better-sqlite3';
import { PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPostgresPool, type PostgresTimeouts } from './postgres-pool.factory';

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
 * Milliseconds a write waits for another connection's lock (a second instance on the same file)
 * before failing with SQLITE_BUSY.
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
  if (databaseFile !== ':memory:') mkdirSync(dirname(databaseFile), { recursive: true });
  const database = new BetterSqlite3(databaseFile);
  // WAL lets readers proceed while a write is in progress; foreign keys are off by default in
  // SQLite and must be enabled on every connection.
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return new SqliteDialect({ database });
}
