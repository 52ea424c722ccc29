import type { Reminder, ReminderFiring } from './protocol';

/** The push type of a reminder firing. */
export const REMINDER_FIRING_TYPE = 'schedule-reminder';

/** How earlier servers logged a firing: the reminder nested, its `dueAt` its next occurrence. */
interface LegacyReminderFiring {
  reminder: Reminder;
  dueAt: string;
  firedAt: string;
}

/**
 * The `data` of a `schedule-reminder` frame in the current shape. Entries logged by earlier
 * servers as `{ reminder, dueAt, firedAt }` stay in the delivery log until retention prunes
 * them and a resume replays them as they were written, so the SDK flattens them here:
 * listeners only ever see {@link ReminderFiring}. Anything else passes through unchanged.
 */
export function currentReminderFiring(data: unknown): unknown {
  if (!isLegacyFiring(data)) return data;
  const { reminder, dueAt, firedAt } = data;
  const firing: ReminderFiring = {
    id: reminder.id,
    userId: reminder.userId,
    title: reminder.title,
    createdAt: reminder.createdAt,
    dueAt,
    firedAt,
    // The nested reminder was written after it advanced: its `dueAt` is the next occurrence.
    nextDueAt: reminder.dueAt ?? null,
  };
  if (reminder.body !== undefined) firing.body = reminder.body;
  if (reminder.cron !== undefined) firing.cron = reminder.cron;
  if (reminder.timezone !== undefined) firing.timezone = reminder.timezone;
  return firing;
}

function isLegacyFiring(data: unknown): data is LegacyReminderFiring {
  if (typeof data !== 'object' || data === null || 'id' in data) return false;
  const { reminder } = data as { reminder?: unknown };
  return typeof reminder === 'object' && reminder !== null && 'id' in reminder;
}
