import { ReminderScheduler, type ReminderFiring } from '@nest-realtime/core';
import {
  createDeliveryLogTables,
  KyselyDeliveryLogStore,
  type DeliveryLogTables,
} from '@nest-realtime/core/kysely';
import {
  createReminderTables,
  KyselyReminderStore,
  type ReminderTables,
} from '@nest-realtime/core/reminders';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { ScopedEnvironment } from './support/scoped-environment';

const HOUR = 3_600_000;

/**
 * The scheduler itself (timer for the next due reminder, hourly sweep) on a fake clock that
 * runs through Europe/Berlin's 2026 changes: 29 March 02:00 → 03:00 and 25 October 03:00 →
 * 02:00. I/O, `setImmediate` and microtasks stay real, so the database and the group commit
 * work as in production while days pass in milliseconds.
 */
describe('Reminder scheduler across DST (fake time)', () => {
  let environment: ScopedEnvironment;
  let db: Kysely<ReminderTables & DeliveryLogTables>;
  let log: KyselyDeliveryLogStore<ReminderTables & DeliveryLogTables>;
  let reminders: KyselyReminderStore;
  let server: LibraryTestApp | undefined;

  async function start(now: string): Promise<void> {
    jest.useFakeTimers({
      now: Date.parse(now),
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    environment = new ScopedEnvironment('reminders-dst');
    db = new Kysely({
      dialect: new SqliteDialect({ database: new BetterSqlite3(`${environment.dir}/db.sqlite`) }),
    });
    await createDeliveryLogTables(db as Kysely<unknown>);
    await createReminderTables(db as Kysely<unknown>);
    log = new KyselyDeliveryLogStore(db);
    reminders = new KyselyReminderStore(db, log);
    server = await startLibraryTestApp({
      deliveryLog: log,
      reminderStore: reminders,
      reminderSweepIntervalMs: HOUR,
    });
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await db.destroy();
    environment.restore();
    jest.useRealTimers();
  });

  /** Lets `ms` of fake time pass, an hour at a time so every timer and sweep runs in turn. */
  async function pass(ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= HOUR) {
      await jest.advanceTimersByTimeAsync(Math.min(HOUR, left));
    }
  }

  /** What fired for `userId`: [dueAt, firedAt] of each firing, in order. */
  async function firings(userId: string): Promise<[string, string][]> {
    const read = await log.readAfter(userId, 0, 1_000);
    if (read.kind !== 'entries') throw new Error('unexpected resync');
    return read.entries.map((entry) => {
      const firing = entry.data as ReminderFiring;
      return [firing.dueAt, firing.firedAt];
    });
  }

  async function recurring(userId: string, cron: string): Promise<void> {
    await reminders.create({ userId, title: cron, cron, timezone: 'Europe/Berlin' });
    await server!.app.get(ReminderScheduler).wake();
  }

  it('spring forward: 09:00 stays 09:00 local; the skipped 02:30 fires once, at 03:00', async () => {
    await start('2026-03-27T12:00:00Z');
    await recurring('nine', '0 9 * * *');
    await recurring('skipped', '30 2 * * *');
    await pass(3 * 24 * HOUR + 6 * HOUR); // to 30 March, 18:00 UTC

    // 09:00 CET is 08:00 UTC; from the 29th, 09:00 CEST is 07:00 UTC. Each fired on time.
    expect(await firings('nine')).toEqual([
      ['2026-03-28T08:00:00.000Z', '2026-03-28T08:00:00.000Z'],
      ['2026-03-29T07:00:00.000Z', '2026-03-29T07:00:00.000Z'],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T07:00:00.000Z'],
    ]);
    // 02:30 does not exist on the 29th: one firing at 03:00 CEST (01:00 UTC).
    expect(await firings('skipped')).toEqual([
      ['2026-03-28T01:30:00.000Z', '2026-03-28T01:30:00.000Z'],
      ['2026-03-29T01:00:00.000Z', '2026-03-29T01:00:00.000Z'],
      ['2026-03-30T00:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    ]);
  });

  it('fall back: 09:00 stays 09:00 local; the repeated 02:30 fires once', async () => {
    await start('2026-10-23T12:00:00Z');
    await recurring('nine', '0 9 * * *');
    await recurring('repeated', '30 2 * * *');
    await pass(3 * 24 * HOUR + 6 * HOUR); // to 26 October, 18:00 UTC

    expect(await firings('nine')).toEqual([
      ['2026-10-24T07:00:00.000Z', '2026-10-24T07:00:00.000Z'],
      ['2026-10-25T08:00:00.000Z', '2026-10-25T08:00:00.000Z'],
      ['2026-10-26T08:00:00.000Z', '2026-10-26T08:00:00.000Z'],
    ]);
    // 02:30 happens twice on the 25th (00:30 UTC in CEST, 01:30 UTC in CET): one firing.
    expect(await firings('repeated')).toEqual([
      ['2026-10-24T00:30:00.000Z', '2026-10-24T00:30:00.000Z'],
      ['2026-10-25T00:30:00.000Z', '2026-10-25T00:30:00.000Z'],
      ['2026-10-26T01:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ]);
  });
});
