// The wire types live with the client SDK (browser-safe, no server code) and are shared here,
// so a change to either side is a change to both.
export type { Reminder, ReminderFiring } from '@nest-realtime/client';

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
