import { sql, type ColumnType, type Kysely } from 'kysely';
import { isPostgres } from './is-postgres';

/** A BIGINT column: written as a number, read back as a number (SQLite) or a string (pg). */
type BigIntColumn = ColumnType<number | string, number, number>;

/** The delivery log's tables, for a `Kysely<…>` that includes them. */
export interface DeliveryLogTables {
  realtime_delivery_cursors: {
    user_id: string;
    last_seq: BigIntColumn;
    acked_seq: BigIntColumn;
    pruned_seq: BigIntColumn;
  };
  realtime_delivery_log: {
    user_id: string;
    seq: BigIntColumn;
    id: string;
    type: string;
    /** JSON text. */
    data: string;
    /** ms since the epoch. */
    created_at: BigIntColumn;
    /** When the undelivered hook was raised for it (once); `null` until then. */
    escalated_at: ColumnType<number | string | null, number | null, number | null>;
    /**
     * What the entry is one of (`reminder:<id>:<dueAtMs>` for a reminder's occurrence), unique
     * per user, so the same thing cannot be logged twice; `null` for ordinary entries.
     */
    dedupe_key: string | null;
  };
  /** Facts about the log as a whole, one row each; today only `epoch`. */
  realtime_delivery_meta: {
    name: string;
    value: string;
  };
}

/**
 * Creates the delivery log's tables (SQLite and PostgreSQL). Call it from one of the
 * application's migrations so that it runs in the application's migration order.
 */
export async function createDeliveryLogTables<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('realtime_delivery_cursors')
    .addColumn('user_id', 'text', (column) => column.primaryKey())
    .addColumn('last_seq', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('acked_seq', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('pruned_seq', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('realtime_delivery_log')
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('seq', 'bigint', (column) => column.notNull())
    .addColumn('id', 'text', (column) => column.notNull().unique())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('data', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('escalated_at', 'bigint')
    .addColumn('dedupe_key', 'text')
    .addPrimaryKeyConstraint('realtime_delivery_log_pk', ['user_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('realtime_delivery_log_created_at')
    .on('realtime_delivery_log')
    .column('created_at')
    .execute();
  await createDedupeIndex(db);
  await createMetaTable(db);
}

/**
 * Brings delivery log tables made by an earlier version up to date (adds `dedupe_key` and its
 * unique index, and the `realtime_delivery_meta` table that holds the log's epoch); does
 * nothing to current ones. Call it from a new application migration.
 */
export async function upgradeDeliveryLogTables<DB>(db: Kysely<DB>): Promise<void> {
  if (isPostgres(db as unknown as Kysely<never>)) {
    await sql`alter table realtime_delivery_log add column if not exists dedupe_key text`.execute(
      db,
    );
  } else {
    const { rows } = await sql`select 1 from pragma_table_info('realtime_delivery_log')
      where name = 'dedupe_key'`.execute(db);
    if (rows.length === 0) {
      await db.schema.alterTable('realtime_delivery_log').addColumn('dedupe_key', 'text').execute();
    }
  }
  await createDedupeIndex(db);
  await createMetaTable(db);
}

/**
 * The log's own facts. The epoch row is not written here but by the store on first use
 * (insert-if-absent), so that a log whose row was removed gets a new epoch the same way.
 */
async function createMetaTable<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('realtime_delivery_meta')
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .execute();
}

/**
 * Unique per user, over keyed entries only: a partial index, so that ordinary entries (no key)
 * cost no index write, and never collide.
 */
async function createDedupeIndex<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createIndex('realtime_delivery_log_dedupe_key')
    .ifNotExists()
    .unique()
    .on('realtime_delivery_log')
    .columns(['user_id', 'dedupe_key'])
    .where(sql.ref('dedupe_key'), 'is not', null)
    .execute();
}

/** Drops the delivery log's tables. */
export async function dropDeliveryLogTables<DB>(db: Kysely<DB>): Promise<void> {
  // `ifExists`: tables made by a version before the epoch have no meta table.
  await db.schema.dropTable('realtime_delivery_meta').ifExists().execute();
  await db.schema.dropTable('realtime_delivery_log').execute();
  await db.schema.dropTable('realtime_delivery_cursors').execute();
}
