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
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { RecordingLogger } from './support/recording-logger';
import { ScopedEnvironment } from './support/scoped-environment';
import { closeAll, WsTestClient } from './support/ws-test-client';

describe('Reminder scheduler (library)', () => {
  let environment: ScopedEnvironment;
  let db: Kysely<ReminderTables & DeliveryLogTables>;
  let reminders: KyselyReminderStore;
  let server: LibraryTestApp | undefined;
  let logger: RecordingLogger;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    environment = new ScopedEnvironment('reminders');
    logger = new RecordingLogger();
    db = new Kysely({
      // timeout 0: a write that meets another connection's lock fails at once instead of
      // blocking the event loop in better-sqlite3's busy wait (the lock test below).
      dialect: new SqliteDialect({
        database: new BetterSqlite3(`${environment.dir}/db.sqlite`, { timeout: 0 }),
      }),
    });
    await createDeliveryLogTables(db as Kysely<unknown>);
    await createReminderTables(db as Kysely<unknown>);
    reminders = new KyselyReminderStore(db, new KyselyDeliveryLogStore(db));
  });

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await server?.close();
    server = undefined;
    await db.destroy();
    environment.restore();
  });

  async function start(): Promise<LibraryTestApp> {
    server = await startLibraryTestApp(
      {
        deliveryLog: new KyselyDeliveryLogStore(db),
        reminderStore: reminders,
        reminderSweepIntervalMs: 250,
      },
      undefined,
      logger,
    );
    return server;
  }

  async function connect(app: LibraryTestApp, userId: string, query = '') {
    const { client } = await WsTestClient.connect(`${app.url}${query}`, bearer(app.token(userId)));
    clients.push(client);
    return client;
  }

  it('fires a reminder when it is due and pushes it as schedule-reminder', async () => {
    const app = await start();
    const client = await connect(app, 'ada');
    const dueAt = Date.now() + 400;
    const reminder = await reminders.create({ userId: 'ada', title: 'Stand-up', dueAt });
    await app.app.get(ReminderScheduler).wake();
    const frame = await client.next('schedule-reminder', 5_000);
    const firing = frame.data as ReminderFiring;
    expect(frame.seq).toBe(1);
    expect(firing).toMatchObject({ id: reminder.id, title: 'Stand-up', nextDueAt: null });
    expect(firing.dueAt).toBe(new Date(dueAt).toISOString());
    const lateness = Date.parse(firing.firedAt) - dueAt;
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1_000);
  });

  it('fires what came due while the server was down once it starts, with the original dueAt', async () => {
    const dueAt = Date.now() - 30_000;
    const missed = await reminders.create({ userId: 'ada', title: 'While down', dueAt });
    const app = await start();
    const client = await connect(app, 'ada', '?lastSeq=0');
    const frame = await client.next('schedule-reminder', 5_000);
    expect((frame.data as ReminderFiring).id).toBe(missed.id);
    expect((frame.data as ReminderFiring).dueAt).toBe(new Date(dueAt).toISOString());
    expect(await reminders.get('ada', missed.id)).toMatchObject({ dueAt: null });
    // The operator's line: what the outage left to fire, and how late it went out.
    const line = await logger.next(/^Reminder catch-up/);
    expect(line).toMatchObject({ level: 'log', context: 'ReminderScheduler' });
    const late =
      /^Reminder catch-up at startup: fired 1 reminder\(s\) \(1 log entries\), up to (\d+\.\d) s after their due time\.$/.exec(
        line.message,
      );
    expect(Number(late?.[1])).toBeGreaterThanOrEqual(30);
    expect(Number(late?.[1])).toBeLessThan(60);
  });

  it('says so at startup when nothing was due, and stays quiet for the reminders it fires on time', async () => {
    const app = await start();
    expect((await logger.next(/^Reminder catch-up/)).message).toBe(
      'Reminder catch-up at startup: nothing was due.',
    );
    const client = await connect(app, 'ada');
    await reminders.create({ userId: 'ada', title: 'On time', dueAt: Date.now() + 100 });
    await app.app.get(ReminderScheduler).wake();
    await client.next('schedule-reminder', 5_000);
    expect(
      logger.lines.filter((line) => line.message.startsWith('Reminder catch-up')),
    ).toHaveLength(1);
  });

  it('logs the totals of the run that fires what a failed round left, once the database takes writes again', async () => {
    const app = await start();
    await logger.next(/^Reminder catch-up at startup/);
    const client = await connect(app, 'ada');
    const dueAt = Date.now() + 300;
    const reminder = await reminders.create({ userId: 'ada', title: 'Behind a lock', dueAt });
    // Another connection locks the file: the scheduler's rounds fail until it lets go.
    const holder = new BetterSqlite3(`${environment.dir}/db.sqlite`);
    try {
      holder.exec('BEGIN EXCLUSIVE');
      await app.app.get(ReminderScheduler).wake();
      await logger.next(/^Firing due reminders failed/);
      // Held until the reminder is due, so that the run after the outage has it to fire.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now())));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // The sweep (every 250 ms) fires it now; nothing was lost and the line says what it took.
    const frame = await client.next('schedule-reminder', 5_000);
    expect((frame.data as ReminderFiring).id).toBe(reminder.id);
    const line = await logger.next(/^Reminder catch-up after a failed round/);
    expect(line.message).toMatch(
      /^Reminder catch-up after a failed round: fired 1 reminder\(s\) \(1 log entries\), up to \d+\.\d s after their due time\.$/,
    );
  });
});
