import { DeliveryMaintenance, type DeliveryLogEntry } from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import { startLibraryTestApp, type LibraryTestApp } from '../support/library-test-app';
import { postgresLogDatabase, sqliteLogDatabase, type LogDatabase } from '../support/log-database';
import { describeWithPostgres } from '../support/postgres';

/**
 * Issue #10, defect 12: entries were marked reported before `onUndelivered` ran, so a hook that
 * threw (a mail server down) lost them for good. Each must reach a hook call that returns.
 */
function throwingHook(open: () => Promise<LogDatabase>): void {
  let target: LogDatabase;
  let server: LibraryTestApp;

  afterEach(async () => {
    await server.close();
    await target.dispose();
  });

  it('reports the entries again after the hook threw', async () => {
    target = await open();
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

describe('Fault: onUndelivered throws (SQLite)', () =>
  throwingHook(() => sqliteLogDatabase('undelivered-hook')));
describeWithPostgres('Fault: onUndelivered throws (PostgreSQL)', () =>
  throwingHook(postgresLogDatabase),
);
