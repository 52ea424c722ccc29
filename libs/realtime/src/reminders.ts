/**
 * `@nest-realtime/core/reminders`: reminders on Kysely, fired exactly once through the durable
 * delivery log. A separate entry so that an app without reminders never loads Kysely or
 * croner; it needs both optional peers (and `@nest-realtime/core/kysely` for the log).
 */
import './peers/reminders.peer-check';

export {
  createReminderTables,
  dropReminderTables,
  type ReminderTables,
} from './reminders/reminder.schema';
export { KyselyReminderStore, ReminderScheduleError } from './reminders/kysely-reminder.store';
export type { FiringRound } from './reminders/reminder.store';
export { nextOccurrence, scheduleProblem } from './reminders/next-occurrence';
