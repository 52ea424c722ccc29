import type { Kysely } from 'kysely';

/**
 * `users.token_generation`: access tokens carry the generation they were issued in (claim
 * `gen`), and signing out everywhere moves it on, so every earlier token and ticket stops
 * working on every instance at once. Existing users start at 0, as do tokens without `gen`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('token_generation', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('token_generation').execute();
}
