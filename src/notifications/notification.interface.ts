import type { NotificationPush } from '@nest-realtime/client';
import type { Page } from '../common/page';

/** A notification as pushed in the `data` of a `notification` frame (the client SDK's type). */
export type Notification = NotificationPush;

/** What `POST /notifications` answers. */
export interface NotificationReceipt {
  id: string;
  /** Sockets the notification was written to on this instance. */
  delivered: number;
}

/** A notification in its recipient's inbox. */
export interface InboxNotification extends Notification {
  /** ISO 8601, or `null` while unread. */
  readAt: string | null;
}

/** One page of `GET /notifications`. */
export type InboxPage = Page<InboxNotification>;
