import {
  AckBeyondLogError,
  CursorAheadError,
  DELIVERY_LOG_EPOCH_PATTERN,
  type DeliveryLogEntry,
} from '@nest-realtime/core';
import {
  createDeliveryLogTables,
  dropDeliveryLogTables,
  KyselyDeliveryLogStore,
  upgradeDeliveryLogTables,
  type DeliveryLogTables,
} from '@nest-realtime/core/kysely';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describeWithPostgres, ScopedPostgres } from './support/postgres';
import { ScopedEnvironment } from './support/scoped-environment';

/** A database for one test, and how to throw it away. */
interface Target {
  db: Kysely<DeliveryLogTables>;
  /** Where a concurrent writer appends (another pooled connection on PostgreSQL). */
  second: Kysely<DeliveryLogTables>;
  dispose(): Promise<void>;
}

function openSqlite(): Promise<Target> {
  const environment = new ScopedEnvironment('log-store');
  const file = `${environment.dir}/log.sqlite`;
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  const open = () => new Kysely<DeliveryLogTables>({ dialect: new SqliteDialect({ database }) });
  const db = open();
  return Promise.resolve({
    db,
    // better-sqlite3 is synchronous: a second connection in the same process would block the
    // thread in its busy wait while the first holds the write lock. One connection per process
    // is how SQLite is used; Kysely queues the concurrent transactions on it.
    second: db,
    dispose: async () => {
      await db.destroy();
      environment.restore();
    },
  });
}

async function openPostgres(): Promise<Target> {
  const scoped = await ScopedPostgres.create<DeliveryLogTables>();
  return { db: scoped.db, second: scoped.db, dispose: () => scoped.drop() };
}

/** The store contract: every implementation and dialect must pass it unchanged. */
function contract(open: () => Promise<Target>): void {
  let target: Target;
  let clock: number;
  let store: KyselyDeliveryLogStore;
  const seqs = (entries: DeliveryLogEntry[]) => entries.map((entry) => entry.seq);

  beforeEach(async () => {
    target = await open();
    await createDeliveryLogTables(target.db as Kysely<unknown>);
    clock = 1_700_000_000_000;
    store = new KyselyDeliveryLogStore(target.db, { now: () => clock });
  });

  afterEach(async () => {
    await target.dispose();
  });

  it('gives each user gapless seqs in the order given, across batches', async () => {
    const first = await store.append([
      { userId: 'a', type: 't', data: 1 },
      { userId: 'b', type: 't', data: 2 },
      { userId: 'a', type: 't', data: 3 },
    ]);
    expect(first.map((e) => [e.userId, e.seq, e.data])).toEqual([
      ['a', 1, 1],
      ['b', 1, 2],
      ['a', 2, 3],
    ]);
    expect(seqs(await store.append([{ userId: 'a', type: 't', data: 4 }]))).toEqual([3]);
    expect(await store.head('a')).toEqual({ lastSeq: 3, ackedSeq: 0, prunedSeq: 0 });
    expect(await store.head('nobody')).toEqual({ lastSeq: 0, ackedSeq: 0, prunedSeq: 0 });
  });

  it('reads back what it wrote, in order, after a cursor', async () => {
    const data = { title: 'Stand-up', nested: { list: [1, 'two', null] }, text: 'ü€😀' };
    const written = await store.append([
      { userId: 'a', type: 'schedule-reminder', data },
      { userId: 'a', type: 'notification', data: null, id: 'fixed-id' },
      { userId: 'a', type: 'notification', data: 'third' },
    ]);
    const all = await store.readAfter('a', 0, 100);
    expect(all).toEqual({ kind: 'entries', head: expect.any(Object), entries: written });
    expect(written[1].id).toBe('fixed-id');
    expect(written[0].createdAt).toBe(clock);

    const tail = await store.readAfter('a', 1, 1);
    expect(tail.kind === 'entries' && seqs(tail.entries)).toEqual([2]);
    const none = await store.readAfter('a', 3, 100);
    expect(none.kind === 'entries' && none.entries).toEqual([]);
    await expect(store.readAfter('a', 4, 100)).rejects.toBeInstanceOf(CursorAheadError);
    await expect(store.readAfter('nobody', 1, 100)).rejects.toBeInstanceOf(CursorAheadError);
  });

  it('acks cumulatively; repeating or going back changes nothing; beyond the log is refused', async () => {
    await store.append([1, 2, 3].map((n) => ({ userId: 'a', type: 't', data: n })));
    expect(await store.ack('a', 2)).toMatchObject({ ackedSeq: 2 });
    expect(await store.ack('a', 2)).toMatchObject({ ackedSeq: 2 });
    expect(await store.ack('a', 1)).toMatchObject({ ackedSeq: 2 });
    await expect(store.ack('a', 4)).rejects.toBeInstanceOf(AckBeyondLogError);
    await expect(store.ack('b', 1)).rejects.toBeInstanceOf(AckBeyondLogError);
    expect(await store.head('a')).toEqual({ lastSeq: 3, ackedSeq: 2, prunedSeq: 0 });
  });

  it('applies many acks in one call, each as on its own', async () => {
    await store.append(
      [1, 2, 3, 4].flatMap((n) => [
        { userId: 'a', type: 't', data: n },
        { userId: 'b', type: 't', data: n },
      ]),
    );
    await store.ack('b', 3);
    const results = await store.ackMany([
      { userId: 'a', seq: 2 },
      { userId: 'a', seq: 9 },
      { userId: 'a', seq: 3 },
      { userId: 'b', seq: 1 },
      { userId: 'c', seq: 1 },
    ]);
    expect(results[1]).toBeInstanceOf(AckBeyondLogError);
    expect(results[4]).toBeInstanceOf(AckBeyondLogError);
    expect([results[0], results[2], results[3]]).toEqual([
      { lastSeq: 4, ackedSeq: 3, prunedSeq: 0 },
      { lastSeq: 4, ackedSeq: 3, prunedSeq: 0 },
      { lastSeq: 4, ackedSeq: 3, prunedSeq: 0 },
    ]);
    expect(await store.head('a')).toEqual({ lastSeq: 4, ackedSeq: 3, prunedSeq: 0 });
    // An ack below the current one lowers nothing.
    expect(await store.head('b')).toEqual({ lastSeq: 4, ackedSeq: 3, prunedSeq: 0 });
    expect(await store.ackMany([])).toEqual([]);
  });

  it('leaves no gap when a batch fails and rolls back', async () => {
    await store.append([{ userId: 'a', type: 't', data: 1, id: 'taken' }]);
    // The driver's own error (SqliteError, pg's DatabaseError), whatever realm it comes from.
    const failure = await store
      .append([
        { userId: 'a', type: 't', data: 2 },
        { userId: 'b', type: 't', data: 2, id: 'taken' },
      ])
      .then(
        (written) => ({ resolved: written }),
        (error: unknown) => ({ rejected: String(error) }),
      );
    expect(failure).toEqual({ rejected: expect.stringMatching(/unique|duplicate/i) });
    expect(seqs(await store.append([{ userId: 'a', type: 't', data: 3 }]))).toEqual([2]);
    expect(await store.head('b')).toEqual({ lastSeq: 0, ackedSeq: 0, prunedSeq: 0 });
  });

  it('hands out unique, gapless seqs to concurrent writers', async () => {
    const other = new KyselyDeliveryLogStore(target.second);
    const batches = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? store : other).append([
        { userId: 'a', type: 't', data: i },
        { userId: 'b', type: 't', data: i },
        { userId: 'a', type: 't', data: i },
      ]),
    );
    const written = (await Promise.all(batches)).flat();
    const ofA = written.filter((e) => e.userId === 'a').map((e) => e.seq);
    expect([...ofA].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const read = await store.readAfter('a', 0, 100);
    expect(read.kind === 'entries' && seqs(read.entries)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('writes an entry with a dedupe key once per user, without taking a seq for a repeat', async () => {
    const once = (userId: string, data: number) => ({
      userId,
      type: 't',
      data,
      dedupeKey: 'reminder:r1:1000',
    });
    const first = await store.append([once('a', 1), { userId: 'a', type: 't', data: 2 }]);
    expect(seqs(first)).toEqual([1, 2]);
    const again = await store.append([
      once('a', 3),
      once('b', 3),
      once('b', 4),
      { userId: 'a', type: 't', data: 5 },
    ]);
    expect(again.map((e) => [e.userId, e.seq, e.data])).toEqual([
      ['b', 1, 3],
      ['a', 3, 5],
    ]);
    expect(await store.append([once('a', 6)])).toEqual([]);
    expect(await store.head('a')).toMatchObject({ lastSeq: 3 });
    const read = await store.readAfter('a', 0, 10);
    expect(read.kind === 'entries' && read.entries.map((e) => e.data)).toEqual([1, 2, 5]);
  });

  it('refuses a second row of one dedupe key on its unique index', async () => {
    await store.append([{ userId: 'a', type: 't', data: 1, dedupeKey: 'k' }]);
    const row = { user_id: 'a', type: 't', data: '2', created_at: clock, escalated_at: null };
    const second = target.db
      .insertInto('realtime_delivery_log')
      .values({ ...row, seq: 2, id: 'second', dedupe_key: 'k' })
      .execute()
      .then(
        () => 'inserted',
        (error: unknown) => String(error),
      );
    // As a string: the driver's error may come from another realm than this suite's Error.
    expect(await second).toMatch(/unique|duplicate/i);
    // Entries without a key never collide.
    await target.db
      .insertInto('realtime_delivery_log')
      .values([
        { ...row, seq: 3, id: 'x', dedupe_key: null },
        { ...row, seq: 4, id: 'y', dedupe_key: null },
      ])
      .execute();
  });

  it('upgrades tables of the earlier schema, and leaves current ones alone', async () => {
    await target.db.schema.dropIndex('realtime_delivery_log_dedupe_key').execute();
    await target.db.schema.alterTable('realtime_delivery_log').dropColumn('dedupe_key').execute();
    await target.db.schema.dropTable('realtime_delivery_meta').execute();
    await store.append([{ userId: 'a', type: 't', data: 1 }]);
    // As a string: better-sqlite3's errors are built in the realm of the first suite that loaded
    // it, which jest's `rejects.toThrow` does not take for an Error.
    expect(await store.epoch().catch((error: unknown) => String(error))).toMatch(
      /realtime_delivery_meta/,
    );
    await upgradeDeliveryLogTables(target.db as Kysely<unknown>);
    const epoch = await store.epoch();
    await upgradeDeliveryLogTables(target.db as Kysely<unknown>);
    expect(await store.epoch()).toBe(epoch);
    const keyed = { userId: 'a', type: 't', data: 2, dedupeKey: 'k' };
    expect(seqs(await store.append([keyed]))).toEqual([2]);
    expect(await store.append([keyed])).toEqual([]);
  });

  it('has one epoch, made on first use, the same for every store on the database', async () => {
    const rows = () => target.db.selectFrom('realtime_delivery_meta').selectAll().execute();
    expect(await rows()).toEqual([]);
    const epoch = await store.epoch();
    expect(epoch).toMatch(DELIVERY_LOG_EPOCH_PATTERN);
    await store.append([{ userId: 'a', type: 't', data: 1 }]);
    expect(await store.epoch()).toBe(epoch);
    expect(await new KyselyDeliveryLogStore(target.second).epoch()).toBe(epoch);
    expect(await rows()).toEqual([{ name: 'epoch', value: epoch }]);
  });

  it('gives every store starting at once on a fresh database the same epoch', async () => {
    const stores = Array.from({ length: 8 }, () => new KyselyDeliveryLogStore(target.second));
    const epochs = await Promise.all(stores.map((each) => each.epoch()));
    expect(new Set(epochs).size).toBe(1);
    expect(await store.epoch()).toBe(epochs[0]);
    const rows = await target.db.selectFrom('realtime_delivery_meta').selectAll().execute();
    expect(rows).toEqual([{ name: 'epoch', value: epochs[0] }]);
  });

  it('gets a new epoch when it is renewed, or the log is recreated, or its row removed', async () => {
    const first = await store.epoch();
    const renewed = await store.renewEpoch();
    expect(renewed).not.toBe(first);
    expect(await new KyselyDeliveryLogStore(target.second).epoch()).toBe(renewed);

    await target.db.deleteFrom('realtime_delivery_meta').execute();
    const remade = await store.epoch();
    expect([first, renewed]).not.toContain(remade);

    await dropDeliveryLogTables(target.db as Kysely<unknown>);
    await createDeliveryLogTables(target.db as Kysely<unknown>);
    const recreated = await store.epoch();
    expect(recreated).toMatch(DELIVERY_LOG_EPOCH_PATTERN);
    expect([first, renewed, remade]).not.toContain(recreated);
  });

  it('keeps the newest entries per user; an older cursor must resync', async () => {
    await store.append([1, 2, 3, 4, 5].map((n) => ({ userId: 'a', type: 't', data: n })));
    await store.append([{ userId: 'b', type: 't', data: 1 }]);
    expect(await store.prune({ maxEntriesPerUser: 2 }, clock)).toBe(3);
    expect(await store.head('a')).toMatchObject({ lastSeq: 5, prunedSeq: 3 });
    expect(await store.readAfter('a', 2, 100)).toMatchObject({ kind: 'resync' });
    const kept = await store.readAfter('a', 3, 100);
    expect(kept.kind === 'entries' && seqs(kept.entries)).toEqual([4, 5]);
    expect(await store.prune({ maxEntriesPerUser: 2 }, clock)).toBe(0);
    expect(seqs(await store.append([{ userId: 'a', type: 't', data: 6 }]))).toEqual([6]);
  });

  /** What one takeUndelivered call reported, as `<user><seq>`, sorted. */
  async function undelivered(cutoff: number, limit = 10): Promise<string[]> {
    const reported: string[] = [];
    const count = await store.takeUndelivered(cutoff, limit, (entries) => {
      reported.push(...entries.map((e) => `${e.userId}${e.seq}`));
    });
    expect(count).toBe(reported.length);
    return reported.sort();
  }

  it('reports entries nobody acknowledged in time, once each', async () => {
    await store.append([1, 2, 3].map((n) => ({ userId: 'a', type: 't', data: n })));
    await store.append([{ userId: 'b', type: 't', data: 1 }]);
    await store.ack('a', 1);
    clock += 60_000;
    await store.append([{ userId: 'a', type: 't', data: 4 }]);
    expect(await undelivered(clock - 30_000)).toEqual(['a2', 'a3', 'b1']);
    expect(await undelivered(clock - 30_000)).toEqual([]);
    expect(await undelivered(clock)).toEqual(['a4']);
  });

  it('reports entries again when the report threw, at most limit at a time', async () => {
    await store.append([1, 2, 3].map((n) => ({ userId: 'a', type: 't', data: n })));
    const failing = store.takeUndelivered(clock, 2, () => {
      throw new Error('hook down');
    });
    await expect(failing).rejects.toThrow('hook down');
    expect(await undelivered(clock, 2)).toEqual(['a1', 'a2']);
    expect(await undelivered(clock, 2)).toEqual(['a3']);
    expect(await undelivered(clock, 2)).toEqual([]);
  });

  it('removes entries older than the maximum age', async () => {
    await store.append([1, 2].map((n) => ({ userId: 'a', type: 't', data: n })));
    clock += 60_000;
    await store.append([{ userId: 'a', type: 't', data: 3 }]);
    expect(await store.prune({ maxAgeMs: 30_000 }, clock)).toBe(2);
    expect(await store.head('a')).toMatchObject({ prunedSeq: 2 });
    expect(await store.readAfter('a', 1, 10)).toMatchObject({ kind: 'resync' });
    const kept = await store.readAfter('a', 2, 10);
    expect(kept.kind === 'entries' && seqs(kept.entries)).toEqual([3]);
    expect(await store.prune({ maxAgeMs: 30_000 }, clock)).toBe(0);
  });
}

describe('Delivery log store contract: SQLite', () => contract(openSqlite));
describeWithPostgres('Delivery log store contract: PostgreSQL', () => contract(openPostgres));
