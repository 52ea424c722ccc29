import {
  createDeliveryLogTables,
  DeliveryMaintenance,
  KyselyDeliveryLogStore,
  type DeliveryLogEntry,
  type DeliveryLogTables,
} from '@app/realtime';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { startLibraryTestApp, type LibraryTestApp } from '../support/library-test-app';
import { describeWithPostgres, ScopedPostgres } from '../support/postgres';
import { ScopedEnvironment } from '../support/scoped-environment';

interface Target {
  db: Kysely<DeliveryLogTables>;
  dispose(): Promise<void>;
}

function openSqlite(): Promise<Target> {
  const environment = new ScopedEnvironment('undelivered-hook');
  const db = new Kysely<DeliveryLogTables>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(`${environment.dir}/log.sqlite`) }),
  });
  return Promise.resolve({
    db,
    dispose: async () => {
      await db.destroy();
      environment.restore();
    },
  });
}

async function openPostgres(): Promise<Target> {
  const scoped = await ScopedPostgres.create<DeliveryLogTables>();
  return { db: scoped.db, dispose: () => scoped.drop() };
}

/**
 * Issue #10, defect 12: entries were marked reported before `onUndelivered` ran, so a hook that
 * threw (a mail server down) lost them for good. Each must reach a hook call that returns.
 */
function throwingHook(open: () => Promise<Target>): void {
  let target: Target;
  let server: LibraryTestApp;

  afterEach(async () => {
    await server.close();
    await target.dispose();
  });

  it('reports the entries again after the hook threw', async () => {
    target = await open();
    await createDeliveryLogTables(target.db as Kysely<unknown>);
    const store = new KyselyDeliveryLogStore(target.db);
    const calls: { seqs: number[]; threw: boolean }[] = [];
    server = await startLibraryTestApp({
      deliveryLog: store,
      undeliveredAfterMs: 60_000,
      onUndelivered: (entries: DeliveryLogEntry[]) => {
        const threw = calls.length === 0;
        calls.push({ seqs: entries.map((entry) => entry.seq), threw });
        if (threw) throw new Error('mail server down');
      },
    });
    await store.append([1, 2, 3].map((n) => ({ userId: 'a', type: 'note', data: n })));
    await store.ack('a', 1);
    const maintenance = server.app.get(DeliveryMaintenance);

    for (let run = 1; run <= 3; run++) await maintenance.run(Date.now() + 61_000);

    expect(calls).toEqual([
      { seqs: [2, 3], threw: true },
      { seqs: [2, 3], threw: false },
    ]);
  });
}

describe('Fault: onUndelivered throws (SQLite)', () => throwingHook(openSqlite));
describeWithPostgres('Fault: onUndelivered throws (PostgreSQL)', () => throwingHook(openPostgres));
