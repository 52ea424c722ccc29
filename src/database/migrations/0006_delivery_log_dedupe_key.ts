import { upgradeDeliveryLogTables } from '@nest-realtime/core/kysely';
import type { Kysely } from 'kysely';

/**
 * The delivery log's `dedupe_key` and its unique index (issue #10): each reminder occurrence is
 * logged once by construction. A database created after 0002 took the current schema already;
 * then this changes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await upgradeDeliveryLogTables(db);
}

/** Drops the key and its index. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('realtime_delivery_log_dedupe_key').ifExists().execute();
  await db.schema.alterTable('realtime_delivery_log').dropColumn('dedupe_key').execute();
}
