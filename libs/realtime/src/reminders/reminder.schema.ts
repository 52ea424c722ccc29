import type { ColumnType, Kysely } from 'kysely';

type BigIntColumn = ColumnType<number | string, number, number>;

/** The reminders table, for a `Kysely<…>` that includes it. */
export interface ReminderTables {
  realtime_reminders: {
    id: string;
    user_id: string;
    title: string;
    body: string | null;
    /** Next occurrence, ms since the epoch; `null` when nothing is left to fire. */
    due_at: ColumnType<number | string | null, number | null, number | null>;
    /** Recurring reminders: the cron expression and its IANA zone; `null` for one-off. */
    cron: string | null;
    timezone: string | null;
    created_at: BigIntColumn;
    last_fired_at: ColumnType<number | string | null, number | null, number | null>;
  };
}

/** Creates the reminders table (SQLite and PostgreSQL); call it from an application migration. */
export async function createReminderTables<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('realtime_reminders')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('body', 'text')
    .addColumn('due_at', 'bigint')
    .addColumn('cron', 'text')
    .addColumn('timezone', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('last_fired_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('realtime_reminders_due_at')
    .on('realtime_reminders')
    .column('due_at')
    .execute();
  await db.schema
    .createIndex('realtime_reminders_user')
    .on('realtime_reminders')
    .columns(['user_id', 'created_at'])
    .execute();
}

/** Drops the reminders table. */
export async function dropReminderTables<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema.dropTable('realtime_reminders').execute();
}
