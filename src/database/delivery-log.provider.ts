import type { FactoryProvider } from '@nestjs/common';
import { KyselyDeliveryLogStore, type DeliveryLogTables } from '@nest-realtime/core/kysely';
import { KyselyReminderStore, type ReminderTables } from '@nest-realtime/core/reminders';
import type { Kysely } from 'kysely';
import { DATABASE } from './database.constants';

/**
 * The realtime library's delivery log on the backend's database (SQLite or PostgreSQL), shared
 * by the realtime module and by services that write log entries in their own transactions.
 */
export const deliveryLogProvider: FactoryProvider<KyselyDeliveryLogStore> = {
  provide: KyselyDeliveryLogStore,
  inject: [DATABASE],
  useFactory: (db: Kysely<DeliveryLogTables>) => new KyselyDeliveryLogStore(db),
};

/** The realtime library's reminders on the backend's database, firing into the delivery log. */
export const reminderStoreProvider: FactoryProvider<KyselyReminderStore> = {
  provide: KyselyReminderStore,
  inject: [DATABASE, KyselyDeliveryLogStore],
  useFactory: (db: Kysely<DeliveryLogTables & ReminderTables>, log: KyselyDeliveryLogStore) =>
    new KyselyReminderStore(db, log),
};
