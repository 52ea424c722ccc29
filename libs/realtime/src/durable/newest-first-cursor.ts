import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * The keyset condition of a newest-first list (`order by created_at desc, id desc`): rows that
 * come after the row `cursor`, ties on `created_at` broken by `id`. For one-table queries whose
 * table has those two columns.
 */
export function olderThanCursor(cursor: {
  created_at: number | string;
  id: string;
}): RawBuilder<SqlBool> {
  const createdAt = Number(cursor.created_at);
  return sql<SqlBool>`(created_at < ${createdAt} or (created_at = ${createdAt} and id < ${cursor.id}))`;
}
