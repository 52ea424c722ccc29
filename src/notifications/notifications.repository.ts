import { Injectable } from '@nestjs/common';
import { olderThanCursor } from '@nest-realtime/core/kysely';
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from '../database';
import { InjectDatabase } from '../database';
import type { InboxNotification, Notification } from './notification.interface';

type Row = {
  id: string;
  title: string;
  body: string | null;
  data: string | null;
  sender_id: string;
  created_at: number | string;
  read_at: number | string | null;
};

/** The inbox table: each recipient's copy of a notification and its read state. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  /** Writes one copy per recipient, inside the caller's transaction. */
  async insert(
    trx: Transaction<DatabaseSchema>,
    recipients: readonly string[],
    notification: Notification,
    createdAt: number,
  ): Promise<void> {
    if (recipients.length === 0) return;
    await trx
      .insertInto('notifications')
      .values(
        recipients.map((userId) => ({
          id: notification.id,
          user_id: userId,
          title: notification.title,
          body: notification.body ?? null,
          data: notification.data === undefined ? null : JSON.stringify(notification.data),
          sender_id: notification.from,
          created_at: createdAt,
          read_at: null,
        })),
      )
      .execute();
  }

  /**
   * The user's notifications, newest first, after `before` (a notification id of theirs).
   *
   * @returns `undefined` when `before` is not one of the user's notifications.
   */
  async list(
    userId: string,
    options: { unread: boolean; limit: number; before?: string },
  ): Promise<InboxNotification[] | undefined> {
    let query = this.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.unread) query = query.where('read_at', 'is', null);
    if (options.before !== undefined) {
      const cursor = await this.db
        .selectFrom('notifications')
        .select(['created_at', 'id'])
        .where('user_id', '=', userId)
        .where('id', '=', options.before)
        .executeTakeFirst();
      if (cursor === undefined) return undefined;
      query = query.where(olderThanCursor(cursor));
    }
    return (await query.execute()).map(toInboxNotification);
  }

  async countUnread(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** @returns whether the user has that notification (read now, or already). */
  async markRead(userId: string, id: string, at: number): Promise<boolean> {
    const own = await this.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (own === undefined) return false;
    await this.db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .where('read_at', 'is', null)
      .execute();
    return true;
  }

  /** @returns how many were unread. */
  async markAllRead(userId: string, at: number): Promise<number> {
    const result = await this.db
      .updateTable('notifications')
      .set({ read_at: at })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function toInboxNotification(row: Row): InboxNotification {
  const item: InboxNotification = {
    id: row.id,
    title: row.title,
    from: row.sender_id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    readAt: row.read_at === null ? null : new Date(Number(row.read_at)).toISOString(),
  };
  if (row.body !== null) item.body = row.body;
  if (row.data !== null) item.data = JSON.parse(row.data) as Record<string, unknown>;
  return item;
}
