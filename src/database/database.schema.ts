import type { DeliveryLogTables } from '@nest-realtime/core/kysely';
import type { ReminderTables } from '@nest-realtime/core/reminders';
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
  /** Tokens (claim `gen`) of an earlier generation are refused; signing out moves it on. */
  token_generation: ColumnType<number, number | undefined, number>;
}

/** `notifications`: each recipient's copy of a notification (the inbox). */
export interface NotificationsTable {
  /** Shared by every recipient of one notification. */
  id: string;
  user_id: string;
  title: string;
  body: string | null;
  /** JSON text. */
  data: string | null;
  sender_id: string;
  /** ms since the epoch (a string from PostgreSQL's BIGINT). */
  created_at: ColumnType<number | string, number, never>;
  read_at: ColumnType<number | string | null, number | null, number | null>;
}

/** `idempotency_keys`: POST requests already handled, per user and key. */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  status: number | null;
  /** JSON text of the response body. */
  response: string | null;
  /** When the key was claimed (ms); a retry taking over an expired claim moves it. */
  created_at: ColumnType<number | string, number, number>;
}

/** Every table, as Kysely sees them. A new migration adds its table here. */
export interface DatabaseSchema extends DeliveryLogTables, ReminderTables {
  users: UsersTable;
  notifications: NotificationsTable;
  idempotency_keys: IdempotencyKeysTable;
}
