import { PostgresAdapter, type Kysely } from 'kysely';

/** Whether `db` talks to PostgreSQL (the stores' SQL differs from SQLite's in a few places). */
export function isPostgres(db: Kysely<never>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
