import { upgradeDeliveryLogTables } from '@nest-realtime/core/kysely';
import type { Kysely } from 'kysely';

/**
 * The delivery log's `realtime_delivery_meta` table, which holds the log's epoch (issue #12): a
 * client resuming with a cursor of another epoch — a log reset, or renewed after a restore from
 * a backup — gets `resync` instead of a wrong catch-up. The epoch row itself is written by the
 * store on first use. Upgrading changes nothing else on a database created after 0006.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await upgradeDeliveryLogTables(db);
}

/** Drops the table (and with it the epoch: clients resync once after the next `up`). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('realtime_delivery_meta').ifExists().execute();
}
