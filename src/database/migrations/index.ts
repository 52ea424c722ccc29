import type { Migration } from 'kysely';
import * as users from './0001_users';
import * as deliveryLog from './0002_delivery_log';
import * as notifications from './0003_notifications';
import * as reminders from './0004_reminders';
import * as idempotencyKeys from './0005_idempotency_keys';
import * as deliveryLogDedupeKey from './0006_delivery_log_dedupe_key';
import * as idempotencyKeysCreatedAt from './0007_idempotency_keys_created_at';
import * as usersTokenGeneration from './0008_users_token_generation';
import * as deliveryLogEpoch from './0009_delivery_log_epoch';

/**
 * Every migration, by name. Kysely applies them in name order, so names start with a
 * zero-padded sequence number; add a new file and one line here.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_users': users,
  '0002_delivery_log': deliveryLog,
  '0003_notifications': notifications,
  '0004_reminders': reminders,
  '0005_idempotency_keys': idempotencyKeys,
  '0006_delivery_log_dedupe_key': deliveryLogDedupeKey,
  '0007_idempotency_keys_created_at': idempotencyKeysCreatedAt,
  '0008_users_token_generation': usersTokenGeneration,
  '0009_delivery_log_epoch': deliveryLogEpoch,
};
