/**
 * The wire protocol (docs/protocol.md): the one definition of the frames that the server
 * (`@nest-realtime/core`, which imports these types) and this client share. Types only, so the
 * browser bundle carries no server code.
 */

/** A frame as clients send it: JSON text `{"type", "data"?, "id"?}`. */
export interface ClientFrame {
  /** Routes the frame to the handler subscribed to this type. */
  type: string;
  /** The payload, validated against the handler's DTO. */
  data?: unknown;
  /** Set it to get a reply (or an error) that carries it back as `replyTo`. */
  id?: string;
}

/** A frame from the server. */
export interface ServerFrame {
  type: string;
  data?: unknown;
  /** The `id` of the request this answers. */
  replyTo?: string;
  /** Durable messages: the position in the user's delivery log. */
  seq?: number;
  /** Durable messages: the entry's unique id. */
  id?: string;
}

/** `data` of the `connected` frame. */
export interface ConnectedData {
  connectionId: string;
  userId: string;
  heartbeatIntervalMs: number;
}

/** `data` of an `error` frame. */
export interface ErrorFrameData {
  code: string;
  message: string;
  details?: unknown;
}

/**
 * `data` of a `resume` request, and what `?lastSeq=`/`?epoch=` of the upgrade URL carry: where
 * the client's cursor stands.
 */
export interface ResumeRequestData {
  /** The last durable seq the client has (`0` for everything the log kept). */
  lastSeq: number;
  /**
   * The log's epoch from the `resume` or `resync` frame that gave the client its cursor. A
   * different one gets `resync`; without it only the cursor's position is checked. 1–64
   * characters of `A–Z a–z 0–9 _ -`.
   */
  epoch?: string;
}

/**
 * `data` of the `resume` answer: how many entries the replay sent, where the log stands, and
 * the log's epoch. Keep `lastSeq` (advanced by every durable seq you handle) and `epoch`
 * together as your cursor.
 */
export interface ResumeData {
  /** Entries sent by this replay. */
  replayed: number;
  /** The connection's position in the log once caught up. */
  lastSeq: number;
  /** The log's epoch (opaque): send it back with your cursor when you resume. */
  epoch: string;
}

/**
 * `data` of a `resync` frame: your cursor cannot be resumed (older than retention kept, ahead
 * of the log, or of another epoch). Reload from REST; the connection now stands at `lastSeq`
 * of the log of `epoch`, and live entries continue from there.
 */
export interface ResyncData {
  /** The head of your log: your new cursor. */
  lastSeq: number;
  /** The log's epoch: keep it with the new cursor. */
  epoch: string;
}

/** A reminder as the server pushes it. */
export interface Reminder {
  id: string;
  userId: string;
  title: string;
  body?: string;
  /** Next occurrence, ISO 8601; `null` once a one-off reminder has fired. */
  dueAt: string | null;
  /** Recurring: the cron expression (5 fields, or 6 with seconds first). */
  cron?: string;
  /** Recurring: the IANA time zone the cron's wall-clock times are in. */
  timezone?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, or `null` before the first firing. */
  lastFiredAt: string | null;
}

/**
 * `data` of a `schedule-reminder` frame: the reminder itself, its fields at the top level (as
 * tutorial clients' `showNotification(message.data)` expects), with `dueAt` and `firedAt`
 * describing this occurrence. The reminder's own next due time is `nextDueAt`: `dueAt` names
 * the occurrence that fired, also when it fires late.
 *
 * Entries that earlier versions logged as `{ reminder, dueAt, firedAt }` (a replay can still
 * send them) reach the client SDK's listeners in this shape too.
 */
export interface ReminderFiring {
  id: string;
  /** The owner: the user the frame is pushed to. */
  userId: string;
  title: string;
  body?: string;
  /** Recurring: the cron expression (5 fields, or 6 with seconds first). */
  cron?: string;
  /** Recurring: the IANA time zone the cron's wall-clock times are in. */
  timezone?: string;
  /** When the reminder was created, ISO 8601. */
  createdAt: string;
  /** The occurrence that fired, ISO 8601 (late firings keep their original time). */
  dueAt: string;
  /** When it actually fired, ISO 8601. */
  firedAt: string;
  /** The reminder's next occurrence, ISO 8601; `null` for a one-off reminder (it is done). */
  nextDueAt: string | null;
}

/** `data` of a `notification` frame of the reference backend. */
export interface NotificationPush {
  id: string;
  title: string;
  body?: string;
  data?: Record<string, unknown>;
  /** User id of the sender. */
  from: string;
  /** ISO 8601. */
  createdAt: string;
}

/** What the reference backend pushes, by frame type: the default event map of the client. */
export interface ReferenceServerEvents {
  'schedule-reminder': ReminderFiring;
  notification: NotificationPush;
}
