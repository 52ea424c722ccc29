/** A reminder as stored and as pushed in `schedule-reminder` frames. */
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

/** What creating a reminder needs: a one-off time, or a recurring schedule. */
export type NewReminder = {
  userId: string;
  title: string;
  body?: string;
} & (
  | {
      /** When it fires, ms since the epoch; a time in the past fires at once. */
      dueAt: number;
    }
  | {
      /** Recurring: a cron expression (5 fields, or 6 with seconds first)… */
      cron: string;
      /** …read as wall-clock times in this IANA zone. */
      timezone: string;
    }
);

/** `data` of a `schedule-reminder` frame. */
export interface ReminderFiring {
  reminder: Reminder;
  /** The occurrence that fired, ISO 8601 (late firings keep their original time). */
  dueAt: string;
  /** When it actually fired, ISO 8601. */
  firedAt: string;
}

/** The push type of a reminder firing, as the classic WebSocket tutorials name it. */
export const REMINDER_PUSH_TYPE = 'schedule-reminder';

/**
 * Changes to a reminder. `dueAt` makes it one-off at that time; `cron` + `timezone` make it
 * recurring (either alone changes that part of an existing schedule).
 */
export interface ReminderChanges {
  title?: string;
  /** `null` removes the body. */
  body?: string | null;
  dueAt?: number;
  cron?: string;
  timezone?: string;
}
