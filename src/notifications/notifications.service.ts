import {
  ForbiddenException,
  Injectable,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import {
  ConnectionRegistry,
  DeliveryEntryRejectedError,
  DurableDelivery,
} from '@nest-realtime/core';
import { KyselyDeliveryLogStore, type DeliveryLogTables } from '@nest-realtime/core/kysely';
import type { Kysely, Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user.interface';
import { DEFAULT_PAGE_SIZE, pageOf } from '../common/page';
import { InjectDatabase, type DatabaseSchema } from '../database';
import { IdempotencyContext } from '../idempotency/idempotency.context';
import type { CreateNotificationDto } from './dto/create-notification.dto';
import type { ListNotificationsQuery } from './dto/list-notifications.query';
import type { InboxPage, Notification, NotificationReceipt } from './notification.interface';
import { NotificationsRepository } from './notifications.repository';

/** The push type of a notification frame. */
export const NOTIFICATION_TYPE = 'notification';

/**
 * Durable notifications: each recipient's inbox copy and delivery-log entry are written in one
 * transaction, and pushed live only once it has committed; what a client missed comes back on
 * resume, and the inbox keeps read state per user.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDatabase() private readonly db: Kysely<DatabaseSchema>,
    private readonly repository: NotificationsRepository,
    private readonly log: KyselyDeliveryLogStore,
    private readonly delivery: DurableDelivery,
    private readonly registry: ConnectionRegistry,
    private readonly idempotency: IdempotencyContext,
  ) {}

  /**
   * Sends a notification. A user may notify itself; other users, rooms and everyone need the
   * `admin` role. A room means the users with a connection in it now; everyone means every
   * registered user. With an `Idempotency-Key`, its answer is stored in the same transaction
   * (with `delivered: 0`, which the answer after the commit corrects).
   *
   * @throws ForbiddenException for a non-admin addressing anyone but itself.
   */
  async send(sender: AuthUser, request: CreateNotificationDto): Promise<NotificationReceipt> {
    const { to } = request;
    if (to.userId !== sender.sub && sender.role !== 'admin') {
      throw new ForbiddenException('Only admins may notify other users, rooms or everyone.');
    }
    const createdAt = Date.now();
    const notification: Notification = {
      id: randomUUID(),
      title: request.title,
      body: request.body,
      data: request.data,
      from: sender.sub,
      createdAt: new Date(createdAt).toISOString(),
    };
    this.checkDeliverable(notification);
    const recipients = await this.recipientsOf(to);
    const { reached } = await this.delivery.commit(() =>
      this.db.transaction().execute(async (trx) => {
        await this.repository.insert(trx, recipients, notification, createdAt);
        const written = await this.log.appendIn(
          trx as unknown as Transaction<DeliveryLogTables>,
          recipients.map((userId) => ({
            userId,
            type: NOTIFICATION_TYPE,
            data: notification,
            id: `${notification.id}:${userId}`,
          })),
        );
        // The answer commits with the effect: a crash leaves both or neither.
        await this.idempotency.completeIn(trx, { id: notification.id, delivered: 0 });
        return { written, result: undefined };
      }),
    );
    return { id: notification.id, delivered: reached };
  }

  /** @throws NotFoundException when `before` is not one of the user's notifications. */
  async list(user: AuthUser, query: ListNotificationsQuery): Promise<InboxPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const items = await this.repository.list(user.sub, {
      unread: query.unread === true,
      limit,
      before: query.before,
    });
    if (items === undefined) throw new NotFoundException('No such notification.');
    return pageOf(items, limit);
  }

  async unreadCount(user: AuthUser): Promise<{ count: number }> {
    return { count: await this.repository.countUnread(user.sub) };
  }

  /** @throws NotFoundException for a notification that is not the user's (or does not exist). */
  async markRead(user: AuthUser, id: string): Promise<void> {
    if (!(await this.repository.markRead(user.sub, id, Date.now()))) {
      throw new NotFoundException('No such notification.');
    }
  }

  async markAllRead(user: AuthUser): Promise<{ updated: number }> {
    return { updated: await this.repository.markAllRead(user.sub, Date.now()) };
  }

  /**
   * Refuses, before anything is written, a notification over the delivery log's size cap for an
   * entry's data with `413`. (The DTO already rules out every other problem the log checks.)
   */
  private checkDeliverable(notification: Notification): void {
    try {
      this.delivery.check([
        { userId: notification.from, type: NOTIFICATION_TYPE, data: notification },
      ]);
    } catch (error) {
      if (error instanceof DeliveryEntryRejectedError && error.reason === 'dataSize') {
        throw new PayloadTooLargeException(error.message);
      }
      throw error;
    }
  }

  private async recipientsOf(to: CreateNotificationDto['to']): Promise<string[]> {
    if (to.userId !== undefined) return [to.userId];
    if (to.room !== undefined) {
      return [...new Set([...this.registry.membersOf(to.room)].map((c) => c.userId))];
    }
    const users = await this.db.selectFrom('users').select('id').execute();
    return users.map((user) => user.id);
  }
}
