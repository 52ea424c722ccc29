import { createDeliveryLogTables, type DeliveryLogTables } from '@nest-realtime/core/kysely';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ScopedPostgres } from './postgres';
import { ScopedEnvironment } from './scoped-environment';

/** A fresh database with the delivery log's tables, for one test, and how to dispose of it. */
export interface LogDatabase {
  db: Kysely<DeliveryLogTables>;
  dispose(): Promise<void>;
}

/** A SQLite file in a temporary directory, removed on dispose. */
export async function sqliteLogDatabase(prefix: string): Promise<LogDatabase> {
  const environment = new ScopedEnvironment(prefix);
  const db = new Kysely<DeliveryLogTables>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(`${environment.dir}/log.sqlite`) }),
  });
  await createDeliveryLogTables(db as Kysely<unknown>);
  return {
    db,
    dispose: async () => {
      await db.destroy();
      environment.restore();
    },
  };
}

/** A schema of its own on the test PostgreSQL, dropped on dispose. */
export async function postgresLogDatabase(): Promise<LogDatabase> {
  const scoped = await ScopedPostgres.create<DeliveryLogTables>();
  await createDeliveryLogTables(scoped.db as Kysely<unknown>);
  return { db: scoped.db, dispose: () => scoped.drop() };
}
