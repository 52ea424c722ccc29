import { Logger, type FactoryProvider } from '@nestjs/common';
import { Kysely } from 'kysely';
import { AppConfigService } from '../config/app-config.service';
import { DATABASE } from './database.constants';
import { createDatabaseDialect } from './database-dialect.factory';
import { migrateToLatest } from './database.migrator';
import type { DatabaseSchema } from './database.schema';

/**
 * Opens the database and migrates it before anything can query it: providers that inject
 * {@link DATABASE} only ever see an up-to-date schema.
 */
export const databaseProvider: FactoryProvider<Kysely<DatabaseSchema>> = {
  provide: DATABASE,
  inject: [AppConfigService],
  useFactory: async (config: AppConfigService): Promise<Kysely<DatabaseSchema>> => {
    const db = new Kysely<DatabaseSchema>({ dialect: createDatabaseDialect(config) });
    try {
      await migrateToLatest(db, new Logger('Database'));
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return db;
  },
};
