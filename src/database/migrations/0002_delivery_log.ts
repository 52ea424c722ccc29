import { createDeliveryLogTables, dropDeliveryLogTables } from '@nest-realtime/core/kysely';
import type { Kysely } from 'kysely';

/** The realtime library's durable delivery log (per-user seqs, acks, retention). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createDeliveryLogTables(db);
}

/** Drops the delivery log. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await dropDeliveryLogTables(db);
}
