import type { Kysely } from 'kysely';

/** Idempotency keys of POST requests, per user, with the response to replay. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('key', 'text', (column) => column.notNull())
    /** Route and body digest: the same key with another request is refused. */
    .addColumn('request_hash', 'text', (column) => column.notNull())
    /** `null` while the first request is still being handled. */
    .addColumn('status', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();
}

/** Drops the idempotency keys. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
