import type { Page } from '../common/page';

/** A notification as pushed in the `data` of a `notification` frame. */
export interface Notification {
  id: string;
  title: string;
  body?: string;
  data?: Record<string, unknown>;
  /** User id of the sender. */
  from: string;
  /** ISO 8601. */
  createdAt: string;
}

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
