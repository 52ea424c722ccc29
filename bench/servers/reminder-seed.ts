import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { BenchTables } from './bench-database';
import type { ReminderSeedPlan } from './bench-server.interface';

/** Rows per INSERT (9 columns: far below SQLite's bound-parameter limit). */
const CHUNK = 500;

/** Reminders that are not due during the measurement are spread over this long after it. */
const LATER_SPREAD_MS = 3 * 24 * 3600 * 1000;

/** Inserts `plan`'s reminders in bulk, as an import would, after removing every other one. */
export async function seedReminders(
  db: Kysely<BenchTables>,
  plan: ReminderSeedPlan,
): Promise<void> {
  const { pending, users, dueCount, firstDueAt, perSecond } = plan;
  const createdAt = Date.now();
  const laterFrom = firstDueAt + (dueCount * 1000) / perSecond + 3600_000;
  await db.deleteFrom('realtime_reminders').execute();
  for (let start = 0; start < pending; start += CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(pending, start + CHUNK); i++) {
      const dueAt =
        i < dueCount
          ? firstDueAt + Math.round((i * 1000) / perSecond)
          : laterFrom + Math.round(((i - dueCount) * LATER_SPREAD_MS) / (pending - dueCount));
      rows.push({
        id: randomUUID(),
        user_id: `u${i % users}`,
        title: `Reminder ${i}`,
        body: 'Bring the numbers for the review',
        due_at: dueAt,
        cron: null,
        timezone: null,
        created_at: createdAt,
        last_fired_at: null,
      });
    }
    await db.insertInto('realtime_reminders').values(rows).execute();
  }
}
