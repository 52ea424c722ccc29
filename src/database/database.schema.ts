import type { DeliveryLogTables } from '@app/realtime';
import type { ColumnType } from 'kysely';

/** The `users` table. */
export interface UsersTable {
  /** UUID v4. */
  id: string;
  /** Unique. */
  username: string;
  /** `scrypt$N$r$p$salt$hash`, base64 salt and hash. */
  password_hash: string;
  role: 'user' | 'admin';
  /** ISO 8601, set on insert and never updated. */
  created_at: ColumnType<string, string, never>;
}

/** Every table, as Kysely sees them. A new migration adds its table here. */
export interface DatabaseSchema extends DeliveryLogTables {
  users: UsersTable;
}
