import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Kysely, PostgresDialect } from 'kysely';
import {
  createDeliveryLogTables,
  KyselyDeliveryLogStore,
  type DeliveryLogTables,
} from '@nest-realtime/core/kysely';
import {
  createReminderTables,
  KyselyReminderStore,
  type ReminderTables,
} from '@nest-realtime/core/reminders';
import { Pool } from 'pg';

/** The app's tables: here only the realtime ones. */
export type Database = DeliveryLogTables & ReminderTables;

export const DATABASE = Symbol('DATABASE');

/** One Kysely on PostgreSQL for the delivery log and the reminders. */
@Module({
  providers: [
    {
      provide: DATABASE,
      useFactory: async () => {
        const pool = new Pool({ connectionString: process.env.DATABASE_URL });
        const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
        // In your app, run these once, from a migration; here, on the first boot.
        const tables = await db.introspection.getTables();
        if (!tables.some((table) => table.name === 'realtime_delivery_log')) {
          await createDeliveryLogTables(db);
          await createReminderTables(db);
        }
        return db;
      },
    },
    {
      provide: KyselyDeliveryLogStore,
      useFactory: (db: Kysely<Database>) => new KyselyDeliveryLogStore(db),
      inject: [DATABASE],
    },
    {
      provide: KyselyReminderStore,
      useFactory: (db: Kysely<Database>, log: KyselyDeliveryLogStore<Database>) =>
        new KyselyReminderStore(db, log),
      inject: [DATABASE, KyselyDeliveryLogStore],
    },
  ],
  exports: [KyselyDeliveryLogStore, KyselyReminderStore],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
