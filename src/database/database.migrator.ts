import type { LoggerService } from '@nestjs/common';
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';
import * as messages from './database.messages';
import { InCodeMigrationProvider } from './in-code-migration.provider';
import { MIGRATIONS } from './migrations';

/**
 * Brings the schema up to date. Each applied migration is logged; the first failure stops the
 * boot with the migration's name and the driver's error as `cause`.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  logger: LoggerService,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(migrations),
    migrationTableSchema: await postgresSchemaOf(db),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    if (result.status === 'Success') logger.log(messages.migrationApplied(result.migrationName));
  }
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new Error(messages.migrationFailed(failed?.migrationName), { cause: error });
  }
}

/**
 * The schema PostgreSQL creates tables in (the first of `search_path`), or `undefined` on SQLite.
 * Kysely's migrator, told no schema, takes a `kysely_migration` table in *any* schema of the
 * database for its own, and then fails or skips migrations; naming the schema keeps two
 * deployments (or test runs) on one database in different schemas apart.
 */
async function postgresSchemaOf<DB>(db: Kysely<DB>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  // NULL when no schema of search_path exists; the migrations then fail with the reason.
  const { rows } = await sql<{
    schema: string | null;
  }>`select current_schema() as schema`.execute(db);
  return rows[0].schema ?? undefined;
}
