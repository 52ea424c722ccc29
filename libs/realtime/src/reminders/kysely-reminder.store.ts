import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DeliveryLogTables } from '../durable/delivery-log.schema';
import type { KyselyDeliveryLogStore } from '../durable/kysely-delivery-log.store';
import {
  REMINDER_PUSH_TYPE,
  type NewReminder,
  type Reminder,
  type ReminderChanges,
  type ReminderFiring,
} from './reminder.interface';
import type { ReminderTables } from './reminder.schema';
import type { FiringRound, ReminderStore } from './reminder.store';
import { inTransaction } from '../durable/in-transaction';
import { isPostgres } from '../durable/is-postgres';
import { olderThanCursor } from '../durable/newest-first-cursor';
import { nextOccurrence, scheduleProblem } from './next-occurrence';
import * as messages from '../realtime.messages';

/** A recurring schedule that cannot be used; nothing was stored. */
export class ReminderScheduleError extends Error {
  constructor(readonly problem: string) {
    super(`Cannot schedule the reminder: ${problem}.`);
    this.name = 'ReminderScheduleError';
  }
}

type Tables = ReminderTables & DeliveryLogTables;
type Row = Selectable<ReminderTables['realtime_reminders']>;

/** What one firing round did. */
/**
 * Reminders on Kysely (SQLite and PostgreSQL), with the firing step that makes each occurrence
 * fire exactly once: due rows are claimed, advanced and logged in one transaction. On
 * PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so several instances on one database take
 * disjoint rows, and "now" is the database's clock; SQLite serializes writers anyway.
 */
export class KyselyReminderStore<DB extends Tables = Tables> implements ReminderStore {
  private readonly postgres: boolean;
  private readonly db: Kysely<Tables>;
  private readonly log: KyselyDeliveryLogStore<Tables>;

  /**
   * @param db any Kysely whose schema includes the reminder and delivery log tables.
   * @param log the delivery log on the same database, which firings are written to.
   */
  constructor(db: Kysely<DB>, log: KyselyDeliveryLogStore<DB> | KyselyDeliveryLogStore) {
    // Kysely's types are invariant in the schema; the store only touches its own tables.
    this.db = db as unknown as Kysely<Tables>;
    this.log = log as unknown as KyselyDeliveryLogStore<Tables>;
    this.postgres = isPostgres(db as unknown as Kysely<never>);
  }

  /**
   * @throws ReminderScheduleError for an unknown time zone, an invalid cron expression, or a
   *   schedule that never fires.
   * @param transaction the caller's transaction to insert in (so that other writes, an
   *   `Idempotency-Key`'s stored answer say, commit with it); without one, on its own.
   * @throws RangeError when `dueAt` is not a finite number (a date that did not parse).
   */
  async create(reminder: NewReminder, transaction?: Transaction<DB>): Promise<Reminder> {
    const now = Date.now();
    let dueAt: number;
    let cron: string | null = null;
    let timezone: string | null = null;
    if ('cron' in reminder) {
      ({ cron, timezone } = reminder);
      dueAt = firstOccurrence(cron, timezone);
    } else {
      dueAt = finiteDueAt(reminder.dueAt);
    }
    const row = {
      id: randomUUID(),
      user_id: reminder.userId,
      title: reminder.title,
      body: reminder.body ?? null,
      due_at: dueAt,
      cron,
      timezone,
      created_at: now,
      last_fired_at: null,
    };
    const db = (transaction as unknown as Transaction<Tables> | undefined) ?? this.db;
    await db.insertInto('realtime_reminders').values(row).execute();
    return toReminder(row);
  }

  /** The user's reminder, or `undefined` (someone else's is not revealed). */
  async get(userId: string, id: string): Promise<Reminder | undefined> {
    const row = await this.ownRow(userId, id);
    return row === undefined ? undefined : toReminder(row);
  }

  /**
   * The user's reminders, newest first, after `before` (a reminder id of theirs).
   *
   * @returns `undefined` when `before` is not one of the user's reminders.
   */
  async list(userId: string, limit: number, before?: string): Promise<Reminder[] | undefined> {
    let query = this.db
      .selectFrom('realtime_reminders')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (before !== undefined) {
      const cursor = await this.ownRow(userId, before);
      if (cursor === undefined) return undefined;
      query = query.where(olderThanCursor(cursor));
    }
    return (await query.execute()).map(toReminder);
  }

  /**
   * Applies `changes` to the user's reminder, under its row lock (PostgreSQL; SQLite serializes
   * writers), so that a firing cannot fall between the read and the write. `due_at` is written
   * only when the schedule changes: writing back the value read would put an occurrence that
   * fired in the meantime back, and it would fire again.
   *
   * @returns the reminder as changed, or `undefined` when the user has no such reminder.
   * @throws ReminderScheduleError when the resulting schedule cannot be kept (nothing changed).
   * @throws RangeError when `dueAt` is not a finite number (nothing changed).
   */
  update(userId: string, id: string, changes: ReminderChanges): Promise<Reminder | undefined> {
    return inTransaction(this.db, async (trx) => {
      let query = trx
        .selectFrom('realtime_reminders')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id);
      if (this.postgres) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (row === undefined) return undefined;
      const next: Row = { ...row };
      if (changes.title !== undefined) next.title = changes.title;
      if (changes.body !== undefined) next.body = changes.body;
      const schedule = scheduleChange(row, changes);
      if (schedule !== undefined) Object.assign(next, schedule);
      await trx
        .updateTable('realtime_reminders')
        .set({ title: next.title, body: next.body, ...schedule })
        .where('id', '=', id)
        .execute();
      return toReminder(next);
    });
  }

  /**
   * Moves the reminder's next firing to `minutes` from now (a recurring one then carries on
   * with its schedule).
   *
   * @returns the reminder, or `undefined` when the user has no such reminder.
   */
  async snooze(userId: string, id: string, minutes: number): Promise<Reminder | undefined> {
    const dueAt = Date.now() + minutes * 60_000;
    const result = await this.db
      .updateTable('realtime_reminders')
      .set({ due_at: dueAt })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.get(userId, id);
  }

  /** @returns whether the user had that reminder. */
  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('realtime_reminders')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The earliest pending occurrence, ms since the epoch. */
  async nextDueAt(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('realtime_reminders')
      .select((eb) => eb.fn.min('due_at').as('next'))
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
  }

  /**
   * Ms until the earliest pending occurrence on the clock {@link fireDue} uses: the database's
   * on PostgreSQL, in the same query, so that an instance whose own clock is off neither fires
   * early nor waits for nothing; this process's on SQLite. 0 when one is due already.
   */
  async nextDueIn(): Promise<number | undefined> {
    if (!this.postgres) {
      const next = await this.nextDueAt();
      return next === undefined ? undefined : Math.max(0, next - Date.now());
    }
    const row = await this.db
      .selectFrom('realtime_reminders')
      .select(
        sql<
          string | number | null
        >`min(due_at) - floor(extract(epoch from clock_timestamp()) * 1000)::bigint`.as('wait'),
      )
      .executeTakeFirst();
    return row?.wait === null || row?.wait === undefined
      ? undefined
      : Math.max(0, Number(row.wait));
  }

  /**
   * Claims up to `limit` due occurrences, writes a `schedule-reminder` entry to each owner's
   * log and advances the reminders, all in one transaction. Each entry carries its occurrence
   * as a dedupe key (`reminder:<id>:<dueAtMs>`, unique per user in the log), so an occurrence
   * is logged once by construction: one found logged already only advances its reminder.
   */
  fireDue(limit: number): Promise<FiringRound> {
    return inTransaction(this.db, async (trx) => {
      const now = await this.now(trx);
      let query = trx
        .selectFrom('realtime_reminders')
        .selectAll()
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .limit(limit);
      if (this.postgres) query = query.forUpdate().skipLocked();
      const due = await query.execute();
      if (due.length === 0) return { written: [], fired: 0 };
      // One-off: done. Recurring: the first occurrence after now — after downtime a reminder
      // fires once for what it missed, not once per missed occurrence.
      const next = due.map((row) =>
        row.cron === null || row.timezone === null
          ? null
          : (nextOccurrence(row.cron, row.timezone, now) ?? null),
      );
      const oneOff = due.filter((_, i) => next[i] === null).map((row) => row.id);
      if (oneOff.length > 0) {
        await trx
          .updateTable('realtime_reminders')
          .set({ due_at: null, last_fired_at: now })
          .where('id', 'in', oneOff)
          .execute();
      }
      for (let i = 0; i < due.length; i++) {
        if (next[i] === null) continue;
        await trx
          .updateTable('realtime_reminders')
          .set({ due_at: next[i], last_fired_at: now })
          .where('id', '=', due[i].id)
          .execute();
      }
      const firedAt = new Date(now).toISOString();
      const written = await this.log.appendIn(
        trx,
        due.map((row, index) => {
          const firing = toFiring(row, next[index], firedAt);
          return {
            userId: row.user_id,
            type: REMINDER_PUSH_TYPE,
            data: firing,
            // The occurrence itself is the key: logged once, however often it is claimed.
            dedupeKey: `reminder:${row.id}:${Number(row.due_at)}`,
          };
        }),
      );
      return { written, fired: due.length };
    });
  }

  private ownRow(userId: string, id: string): Promise<Row | undefined> {
    return this.db
      .selectFrom('realtime_reminders')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The database's clock on PostgreSQL (shared by every instance), this process's on SQLite. */
  private async now(trx: Transaction<Tables>): Promise<number> {
    if (!this.postgres) return Date.now();
    const { rows } = await sql<{
      now: string;
    }>`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now`.execute(trx);
    return Number(rows[0].now);
  }
}

/**
 * The schedule columns `changes` set, or `undefined` when they leave the schedule alone.
 *
 * @throws ReminderScheduleError when the resulting schedule cannot be kept.
 */
function scheduleChange(
  row: Row,
  changes: ReminderChanges,
): { due_at: number; cron: string | null; timezone: string | null } | undefined {
  if (changes.dueAt !== undefined) {
    return { due_at: finiteDueAt(changes.dueAt), cron: null, timezone: null };
  }
  if (changes.cron === undefined && changes.timezone === undefined) return undefined;
  const cron = changes.cron ?? row.cron;
  const timezone = changes.timezone ?? row.timezone;
  if (cron === null || timezone === null) {
    throw new ReminderScheduleError('a recurring reminder needs both cron and timezone');
  }
  return { due_at: firstOccurrence(cron, timezone), cron, timezone };
}

/**
 * A reminder without a due time would never fire, and NaN cannot be stored on PostgreSQL (and
 * is stored as NULL on SQLite): refuse it before anything is written.
 */
function finiteDueAt(dueAt: number): number {
  if (!Number.isFinite(dueAt)) throw new RangeError(messages.reminderDueAtNotFinite(dueAt));
  return dueAt;
}

/** @throws ReminderScheduleError when the schedule cannot be kept. */
function firstOccurrence(cron: string, timezone: string): number {
  const problem = scheduleProblem(cron, timezone);
  if (problem !== undefined) throw new ReminderScheduleError(problem);
  const first = nextOccurrence(cron, timezone, Date.now());
  if (first === undefined) throw new ReminderScheduleError('the schedule never fires');
  return first;
}

/**
 * What a client is handed when `row`'s due occurrence fires: the reminder's fields at the top
 * level (so a tutorial client can show `message.data` as it is), `dueAt` this occurrence (not
 * the reminder's next one, which is `nextDueAt`).
 */
function toFiring(row: Row, nextDueAt: number | null, firedAt: string): ReminderFiring {
  const firing: ReminderFiring = {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    dueAt: new Date(Number(row.due_at)).toISOString(),
    firedAt,
    nextDueAt: nextDueAt === null ? null : new Date(nextDueAt).toISOString(),
  };
  if (row.body !== null) firing.body = row.body;
  if (row.cron !== null) firing.cron = row.cron;
  if (row.timezone !== null) firing.timezone = row.timezone;
  return firing;
}

function toReminder(row: Row): Reminder {
  const reminder: Reminder = {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    dueAt: row.due_at === null ? null : new Date(Number(row.due_at)).toISOString(),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    lastFiredAt:
      row.last_fired_at === null ? null : new Date(Number(row.last_fired_at)).toISOString(),
  };
  if (row.body !== null) reminder.body = row.body;
  if (row.cron !== null) reminder.cron = row.cron;
  if (row.timezone !== null) reminder.timezone = row.timezone;
  return reminder;
}
