import { ForbiddenException, Injectable } from '@nestjs/common';
import { RealtimePublisher } from '@app/realtime';
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user.interface';
import type { CreateNotificationDto } from './dto/create-notification.dto';
import type { Notification, NotificationReceipt } from './notification.interface';

/** The push type of a notification frame. */
export const NOTIFICATION_TYPE = 'notification';

/** Sends live notifications. Durability (an inbox, replay) comes with the delivery log. */
@Injectable()
export class NotificationsService {
  constructor(private readonly publisher: RealtimePublisher) {}

  /**
   * Pushes a notification now. A user may notify itself; other users, rooms and everyone need
   * the `admin` role.
   *
   * @throws ForbiddenException for a non-admin addressing anyone but itself.
   */
  send(sender: AuthUser, request: CreateNotificationDto): NotificationReceipt {
    const { to } = request;
    if (to.userId !== sender.sub && sender.role !== 'admin') {
      throw new ForbiddenException('Only admins may notify other users, rooms or everyone.');
    }
    const notification: Notification = {
      id: randomUUID(),
      title: request.title,
      body: request.body,
      data: request.data,
      from: sender.sub,
      createdAt: new Date().toISOString(),
    };
    const delivered =
      to.userId !== undefined
        ? this.publisher.toUser(to.userId, NOTIFICATION_TYPE, notification)
        : to.room !== undefined
          ? this.publisher.toRoom(to.room, NOTIFICATION_TYPE, notification)
          : this.publisher.toAll(NOTIFICATION_TYPE, notification);
    return { id: notification.id, delivered };
  }
}
