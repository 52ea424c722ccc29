import { createReminderTables, dropReminderTables } from '@nest-realtime/core/reminders';
import type { Kysely } from 'kysely';

/** The realtime library's reminders, fired by its scheduler into the delivery log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createReminderTables(db);
}

/** Drops the reminders. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await dropReminderTables(db);
}
