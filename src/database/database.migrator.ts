import type { LoggerService } from '@nestjs/common';
import { Migrator, type Kysely, type Migration } from 'kysely';
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
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(migrations) });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    if (result.status === 'Success') logger.log(messages.migrationApplied(result.migrationName));
  }
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw new Error(messages.migrationFailed(failed?.migrationName), { cause: error });
  }
}
