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
import { ScopedEnvironment } from './support/scoped-environment';
import { closeAll, WsTestClient } from './support/ws-test-client';

describe('Reminder scheduler (library)', () => {
  let environment: ScopedEnvironment;
  let db: Kysely<ReminderTables & DeliveryLogTables>;
  let reminders: KyselyReminderStore;
  let server: LibraryTestApp | undefined;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    environment = new ScopedEnvironment('reminders');
    db = new Kysely({
      dialect: new SqliteDialect({ database: new BetterSqlite3(`${environment.dir}/db.sqlite`) }),
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
    server = await startLibraryTestApp({
      deliveryLog: new KyselyDeliveryLogStore(db),
      reminderStore: reminders,
      reminderSweepIntervalMs: 250,
    });
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
  });
});
