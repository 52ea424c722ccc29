import { type ReminderFiring } from '@nest-realtime/core';
import {
  createDeliveryLogTables,
  KyselyDeliveryLogStore,
  type DeliveryLogTables,
} from '@nest-realtime/core/kysely';
import {
  createReminderTables,
  KyselyReminderStore,
  ReminderScheduleError,
  type ReminderTables,
} from '@nest-realtime/core/reminders';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import * as messages from '../libs/realtime/src/realtime.messages';
import { describeWithPostgres, ScopedPostgres } from './support/postgres';
import { ScopedEnvironment } from './support/scoped-environment';

type Tables = ReminderTables & DeliveryLogTables;

interface Target {
  db: Kysely<Tables>;
  dispose(): Promise<void>;
}

function openSqlite(): Promise<Target> {
  const environment = new ScopedEnvironment('reminder-store');
  const database = new BetterSqlite3(`${environment.dir}/reminders.sqlite`);
  database.pragma('journal_mode = WAL');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
  return Promise.resolve({
    db,
    dispose: async () => {
      await db.destroy();
      environment.restore();
    },
  });
}

async function openPostgres(): Promise<Target> {
  const scoped = await ScopedPostgres.create<Tables>();
  return { db: scoped.db, dispose: () => scoped.drop() };
}

function contract(open: () => Promise<Target>): void {
  let target: Target;
  let log: KyselyDeliveryLogStore<Tables>;
  let reminders: KyselyReminderStore<Tables>;

  beforeEach(async () => {
    target = await open();
    await createDeliveryLogTables(target.db as Kysely<unknown>);
    await createReminderTables(target.db as Kysely<unknown>);
    log = new KyselyDeliveryLogStore(target.db);
    reminders = new KyselyReminderStore(target.db, log);
  });

  afterEach(async () => {
    await target.dispose();
  });

  /** Moves a reminder's due time behind the store's back. */
  const setDueAt = (id: string, dueAt: number) =>
    target.db
      .updateTable('realtime_reminders')
      .set({ due_at: dueAt })
      .where('id', '=', id)
      .execute();

  it('fires due reminders once, with their original dueAt, into the owner’s log', async () => {
    expect(await reminders.nextDueIn()).toBeUndefined();
    const overdue = Date.now() - 60_000;
    const past = await reminders.create({ userId: 'a', title: 'late', body: 'b', dueAt: overdue });
    const future = await reminders.create({
      userId: 'a',
      title: 'later',
      dueAt: Date.now() + 3_600_000,
    });
    expect(await reminders.nextDueAt()).toBe(overdue);
    expect(await reminders.nextDueIn()).toBe(0);

    const round = await reminders.fireDue(100);
    expect(round.fired).toBe(1);
    expect(round.written).toHaveLength(1);
    const [entry] = round.written;
    expect(entry).toMatchObject({ userId: 'a', seq: 1, type: 'schedule-reminder' });
    const firing = entry.data as ReminderFiring;
    expect(firing).toEqual({
      id: past.id,
      userId: 'a',
      title: 'late',
      body: 'b',
      createdAt: past.createdAt,
      dueAt: new Date(overdue).toISOString(),
      firedAt: expect.any(String),
      nextDueAt: null,
    });
    expect(firing.dueAt).toBe(new Date(overdue).toISOString());
    expect(Date.parse(firing.firedAt)).toBeGreaterThanOrEqual(overdue);

    expect((await reminders.fireDue(100)).fired).toBe(0);
    expect(await reminders.get('a', past.id)).toMatchObject({
      dueAt: null,
      lastFiredAt: firing.firedAt,
    });
    expect(await reminders.nextDueAt()).toBe(Date.parse(future.dueAt!));
    // On the store's clock (PostgreSQL's own on PostgreSQL), which this process shares here.
    const wait = await reminders.nextDueIn();
    expect(wait).toBeGreaterThan(3_600_000 - 60_000);
    expect(wait).toBeLessThanOrEqual(Date.parse(future.dueAt!) - Date.now() + 1_000);
    const read = await log.readAfter('a', 0, 10);
    expect(read.kind === 'entries' && read.entries.map((e) => e.id)).toEqual([entry.id]);
  });

  it('fires a recurring reminder once after downtime and moves it to its next occurrence', async () => {
    const recurring = await reminders.create({
      userId: 'a',
      title: 'every minute',
      cron: '* * * * *',
      timezone: 'Europe/Berlin',
    });
    expect(recurring).toMatchObject({ cron: '* * * * *', timezone: 'Europe/Berlin' });
    expect(Date.parse(recurring.dueAt!) % 60_000).toBe(0);
    // Three occurrences missed while "down".
    const missed = Date.now() - 180_000;
    await setDueAt(recurring.id, missed);
    const round = await reminders.fireDue(100);
    expect(round.fired).toBe(1);
    const firing = round.written[0].data as ReminderFiring;
    expect(firing.dueAt).toBe(new Date(missed).toISOString());
    expect(firing).toMatchObject({
      id: recurring.id,
      cron: '* * * * *',
      timezone: 'Europe/Berlin',
    });
    const next = Date.parse(firing.nextDueAt!);
    expect(next).toBeGreaterThan(Date.parse(firing.firedAt));
    expect(next % 60_000).toBe(0);
    expect((await reminders.get('a', recurring.id))?.dueAt).toBe(firing.nextDueAt);
    expect((await reminders.fireDue(100)).fired).toBe(0);
  });

  it('logs an occurrence once even when its reminder is put back to it', async () => {
    const dueAt = Date.now() - 1_000;
    const reminder = await reminders.create({ userId: 'a', title: 'x', dueAt });
    expect((await reminders.fireDue(100)).written).toHaveLength(1);
    // What an edit that wrote back the due time it had read did: the same occurrence, due again.
    await setDueAt(reminder.id, dueAt);
    expect(await reminders.fireDue(100)).toEqual({ written: [], fired: 1 });
    expect((await reminders.get('a', reminder.id))?.dueAt).toBeNull();
    expect(await log.head('a')).toMatchObject({ lastSeq: 1 });
  });

  it('leaves the due time alone when an edit does not change the schedule', async () => {
    const recurring = await reminders.create({
      userId: 'a',
      title: 'x',
      cron: '* * * * *',
      timezone: 'UTC',
    });
    const advanced = Date.parse(recurring.dueAt!) + 60_000;
    await setDueAt(recurring.id, advanced);
    const edited = await reminders.update('a', recurring.id, { title: 'y', body: 'b' });
    expect(edited).toMatchObject({
      title: 'y',
      body: 'b',
      dueAt: new Date(advanced).toISOString(),
    });
    expect(await reminders.get('a', recurring.id)).toEqual(edited);
    const moved = await reminders.update('a', recurring.id, { timezone: 'Asia/Kolkata' });
    expect(moved).toMatchObject({ timezone: 'Asia/Kolkata', cron: '* * * * *' });
    expect(await reminders.get('a', recurring.id)).toEqual(moved);
  });

  it('refuses an unknown zone or an invalid cron, storing nothing', async () => {
    await expect(
      reminders.create({ userId: 'a', title: 'x', cron: '0 9 * * *', timezone: 'Mars/Olympus' }),
    ).rejects.toBeInstanceOf(ReminderScheduleError);
    await expect(
      reminders.create({ userId: 'a', title: 'x', cron: 'every day', timezone: 'UTC' }),
    ).rejects.toBeInstanceOf(ReminderScheduleError);
    expect(await reminders.list('a', 10)).toEqual([]);
  });

  it('refuses a due time that is not a finite number, storing and changing nothing', async () => {
    await expect(reminders.create({ userId: 'a', title: 'x', dueAt: NaN })).rejects.toThrow(
      new RangeError(messages.reminderDueAtNotFinite(NaN)),
    );
    expect(await reminders.list('a', 10)).toEqual([]);
    const kept = await reminders.create({ userId: 'a', title: 'x', dueAt: Date.now() + 60_000 });
    await expect(reminders.update('a', kept.id, { title: 'y', dueAt: Infinity })).rejects.toThrow(
      RangeError,
    );
    expect(await reminders.get('a', kept.id)).toEqual(kept);
  });

  it('keeps reminders to their owner', async () => {
    const mine = await reminders.create({ userId: 'a', title: 'x', dueAt: Date.now() + 60_000 });
    expect(await reminders.get('b', mine.id)).toBeUndefined();
    expect(await reminders.remove('b', mine.id)).toBe(false);
    expect((await reminders.list('a', 10))?.map((r) => r.id)).toEqual([mine.id]);
    expect(await reminders.list('b', 10)).toEqual([]);
    expect(await reminders.remove('a', mine.id)).toBe(true);
    expect(await reminders.get('a', mine.id)).toBeUndefined();
  });

  it('fires each occurrence exactly once under concurrent rounds', async () => {
    const dueAt = Date.now() - 1_000;
    for (let i = 0; i < 60; i++) {
      await reminders.create({ userId: `u${i % 3}`, title: `r${i}`, dueAt });
    }
    const other = new KyselyReminderStore(target.db, new KyselyDeliveryLogStore(target.db));
    const rounds = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? reminders : other).fireDue(15)),
    );
    const again = await reminders.fireDue(100);
    const fired = [...rounds, again].flatMap((round) => round.written);
    const ids = fired.map((entry) => (entry.data as ReminderFiring).id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    for (const user of ['u0', 'u1', 'u2']) {
      const read = await log.readAfter(user, 0, 100);
      expect(read.kind === 'entries' && read.entries.map((e) => e.seq)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    }
  });
}

describe('Reminder store contract: SQLite', () => contract(openSqlite));
describeWithPostgres('Reminder store contract: PostgreSQL', () => contract(openPostgres));
