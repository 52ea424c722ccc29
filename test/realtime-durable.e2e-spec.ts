import {
  DELIVERY_LOG_EPOCH_PATTERN,
  DeliveryMaintenance,
  DurableDelivery,
  RealtimeCloseCode,
  RealtimeErrorCode,
  type DeliveryLogStore,
} from '@nest-realtime/core';
import {
  createDeliveryLogTables,
  KyselyDeliveryLogStore,
  type DeliveryLogTables,
} from '@nest-realtime/core/kysely';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { copyFileSync } from 'node:fs';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { ScopedEnvironment } from './support/scoped-environment';
import { closeAll, handshakeStatus, WsTestClient, type Frame } from './support/ws-test-client';

describe('Durable delivery: log, acks and resume (library)', () => {
  let environment: ScopedEnvironment;
  let file: string;
  let db: Kysely<DeliveryLogTables>;
  let store: KyselyDeliveryLogStore;
  let server: LibraryTestApp;
  let delivery: DurableDelivery;
  let running = false;
  const clients: WsTestClient[] = [];

  /** Runs once, right after the first replay read has been taken and before it is returned. */
  let afterFirstRead: (() => Promise<void>) | undefined;
  /** What the store says its epoch is, instead of the real one (a store gone wrong). */
  let epochOverride: string | undefined;

  async function start(replayBatchSize?: number): Promise<void> {
    environment = new ScopedEnvironment('durable');
    file = `${environment.dir}/log.sqlite`;
    await boot(replayBatchSize, true);
  }

  /** Opens the log file (creating its tables when `create`) and starts the server on it. */
  async function boot(replayBatchSize?: number, create = false): Promise<void> {
    db = new Kysely<DeliveryLogTables>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(file) }),
    });
    if (create) await createDeliveryLogTables(db as Kysely<unknown>);
    store = new KyselyDeliveryLogStore(db);
    // The real store, with a hook that lets a test commit (and push live) entries while a
    // replay is between two reads: the interleaving that must not cause a gap or a duplicate.
    const interleaving: DeliveryLogStore = {
      append: (entries) => store.append(entries),
      ackMany: (acks) => store.ackMany(acks),
      head: (userId) => store.head(userId),
      lastSeqs: (userIds) => store.lastSeqs(userIds),
      prune: (retention, now) => store.prune(retention, now),
      takeUndelivered: (cutoff, limit, report) => store.takeUndelivered(cutoff, limit, report),
      epoch: () => (epochOverride === undefined ? store.epoch() : Promise.resolve(epochOverride)),
      readAfter: async (userId, afterSeq, limit) => {
        const read = await store.readAfter(userId, afterSeq, limit);
        const hook = afterFirstRead;
        afterFirstRead = undefined;
        await hook?.();
        return read;
      },
    };
    server = await startLibraryTestApp({ deliveryLog: interleaving, replayBatchSize });
    delivery = server.app.get(DurableDelivery);
    running = true;
  }

  /** Stops the server and closes the file, as an operator does before copying or restoring it. */
  async function stop(): Promise<void> {
    running = false;
    await closeAll(clients.splice(0));
    await server.close();
    await db.destroy();
  }

  async function connect(userId: string, query = ''): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(
      `${server.url}${query}`,
      bearer(server.token(userId)),
    );
    clients.push(client);
    return client;
  }

  /** The next `count` durable frames, in arrival order. */
  async function durableFrames(client: WsTestClient, type: string, count: number) {
    const frames: Frame[] = [];
    for (let i = 0; i < count; i++) frames.push(await client.next(type));
    return frames;
  }

  const notes = (userId: string, count: number, from = 1) =>
    Array.from({ length: count }, (_, i) => ({ userId, type: 'note', data: { n: from + i } }));

  afterEach(async () => {
    afterFirstRead = undefined;
    epochOverride = undefined;
    if (running) await stop();
    environment.restore();
  });

  it('writes first, then pushes {type, seq, id, data} to every device of the user only', async () => {
    await start();
    const phone = await connect('alice');
    const laptop = await connect('alice');
    const bob = await connect('bob');
    const written = await delivery.deliver(notes('alice', 3));
    expect(written.map((e) => e.seq)).toEqual([1, 2, 3]);
    for (const client of [phone, laptop]) {
      const frames = await durableFrames(client, 'note', 3);
      expect(frames).toEqual(
        written.map((e) => ({ type: 'note', seq: e.seq, id: e.id, data: e.data })),
      );
    }
    expect((await store.readAfter('alice', 0, 10)).kind).toBe('entries');
    const whoami = await bob.request('ping');
    expect(whoami.type).toBe('pong');
    expect(bob.pending.filter((f) => f.type === 'note')).toEqual([]);
  });

  it('commits the deliveries of one tick in one batch, in call order', async () => {
    await start();
    const client = await connect('alice');
    const results = await Promise.all([
      delivery.deliver(notes('alice', 2, 1)),
      delivery.deliver(notes('alice', 1, 3)),
      delivery.deliver(notes('alice', 2, 4)),
    ]);
    expect(results.map((batch) => batch.map((e) => e.seq))).toEqual([[1, 2], [3], [4, 5]]);
    const frames = await durableFrames(client, 'note', 5);
    expect(frames.map((f) => [f.seq, (f.data as { n: number }).n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it('acks cumulatively; an ack past the log is VALIDATION_FAILED and changes nothing', async () => {
    await start();
    const client = await connect('alice');
    await delivery.deliver(notes('alice', 3));
    expect((await client.request('ack', { seq: 2 }, 'a1')).data).toEqual({ ackedSeq: 2 });
    expect((await client.request('ack', { seq: 2 }, 'a2')).data).toEqual({ ackedSeq: 2 });
    const beyond = await client.request('ack', { seq: 9 }, 'a3');
    expect(beyond).toMatchObject({
      type: 'error',
      replyTo: 'a3',
      data: { code: RealtimeErrorCode.VALIDATION_FAILED, details: [{ field: 'seq' }] },
    });
    const malformed = await client.request('ack', { seq: 'x', extra: 1 }, 'a4');
    expect(malformed.data.code).toBe(RealtimeErrorCode.VALIDATION_FAILED);
    expect(await store.head('alice')).toMatchObject({ lastSeq: 3, ackedSeq: 2 });
  });

  it('starts a connection without a cursor at the head of the log, with a resume frame', async () => {
    await start();
    await delivery.deliver(notes('alice', 3));
    const client = await connect('alice');
    const epoch = await store.epoch();
    expect(epoch).toMatch(DELIVERY_LOG_EPOCH_PATTERN);
    expect((await client.next('resume')).data).toEqual({ replayed: 0, lastSeq: 3, epoch });
    await delivery.deliver(notes('alice', 1));
    const [next] = await durableFrames(client, 'note', 1);
    expect(next.seq).toBe(4);
    expect(client.pending).toEqual([]);
  });

  it('answers an ack only when it has an id; acks sent together are all applied', async () => {
    await start();
    const [phone, laptop] = [await connect('alice'), await connect('alice')];
    for (const client of [phone, laptop]) await client.next('resume');
    await delivery.deliver(notes('alice', 4));
    await durableFrames(phone, 'note', 4);
    await durableFrames(laptop, 'note', 4);
    phone.send({ type: 'ack', data: { seq: 3 } });
    laptop.send({ type: 'ack', data: { seq: 2 } });
    // Sent after the id-less ones, so answered after their batch has been written.
    expect((await phone.request('ack', { seq: 1 }, 'last')).data).toEqual({ ackedSeq: 3 });
    expect(phone.pending).toEqual([]);
    expect(await store.head('alice')).toMatchObject({ ackedSeq: 3 });
  });

  it('resume sends what was missed, in order, then answers (with or without the epoch)', async () => {
    await start();
    await delivery.deliver(notes('alice', 5));
    const epoch = await store.epoch();
    const client = await connect('alice');
    await client.next('resume');
    // As a client from before epochs asks.
    client.send({ type: 'resume', data: { lastSeq: 2 }, id: 'r1' });
    const frames = await durableFrames(client, 'note', 3);
    expect(frames.map((f) => f.seq)).toEqual([3, 4, 5]);
    expect((await client.reply('r1')).data).toEqual({ replayed: 3, lastSeq: 5, epoch });
    client.send({ type: 'resume', data: { lastSeq: 3, epoch }, id: 'r2' });
    expect((await durableFrames(client, 'note', 2)).map((f) => f.seq)).toEqual([4, 5]);
    expect((await client.reply('r2')).data).toEqual({ replayed: 2, lastSeq: 5, epoch });
    expect(client.pending).toEqual([]);
  });

  it('?lastSeq= with the log epoch replays; with another epoch it gets resync, then live entries', async () => {
    await start();
    await delivery.deliver(notes('alice', 5));
    const epoch = await store.epoch();
    const same = await connect('alice', `?lastSeq=2&epoch=${epoch}`);
    expect((await durableFrames(same, 'note', 3)).map((f) => f.seq)).toEqual([3, 4, 5]);
    expect((await same.next('resume')).data).toEqual({ replayed: 3, lastSeq: 5, epoch });

    const other = await connect('alice', '?lastSeq=2&epoch=an-older-log');
    // Nothing of the cursor's log is replayed: resync, then the answer, in that order.
    expect(await other.next()).toEqual({ type: 'resync', data: { lastSeq: 5, epoch } });
    expect(await other.next()).toEqual({
      type: 'resume',
      data: { replayed: 0, lastSeq: 5, epoch },
    });
    await delivery.deliver(notes('alice', 1, 6));
    expect((await other.next('note')).seq).toBe(6);
    expect((await same.next('note')).seq).toBe(6);
  });

  it('a resume frame with another epoch gets resync and moves the connection to the head', async () => {
    await start();
    const epoch = await store.epoch();
    const client = await connect('alice', `?lastSeq=0&epoch=${epoch}`);
    expect((await client.next('resume')).data).toEqual({ replayed: 0, lastSeq: 0, epoch });
    await delivery.deliver(notes('alice', 4));
    expect((await durableFrames(client, 'note', 4)).map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    client.send({ type: 'resume', data: { lastSeq: 1, epoch: 'not-this-log' }, id: 'r1' });
    expect(await client.next()).toEqual({ type: 'resync', data: { lastSeq: 4, epoch } });
    expect(await client.next()).toMatchObject({
      replyTo: 'r1',
      data: { replayed: 0, lastSeq: 4, epoch },
    });
    await delivery.deliver(notes('alice', 1, 5));
    expect((await client.next('note')).seq).toBe(5);
    expect(client.pending).toEqual([]);
  });

  it('a cursor ahead of the log gets resync, with or without an epoch: no guessing', async () => {
    await start();
    await delivery.deliver(notes('alice', 3));
    const epoch = await store.epoch();
    const old = await connect('alice', '?lastSeq=9');
    expect(await old.next()).toEqual({ type: 'resync', data: { lastSeq: 3, epoch } });
    expect((await old.next()).data).toEqual({ replayed: 0, lastSeq: 3, epoch });
    const current = await connect('alice', `?lastSeq=9&epoch=${epoch}`);
    expect(await current.next()).toEqual({ type: 'resync', data: { lastSeq: 3, epoch } });
    expect((await current.next()).data).toEqual({ replayed: 0, lastSeq: 3, epoch });
    // A user without a log at all.
    const nobody = await connect('nobody', '?lastSeq=1');
    expect(await nobody.next()).toEqual({ type: 'resync', data: { lastSeq: 0, epoch } });

    const ahead = await current.request('resume', { lastSeq: 6, epoch }, 'r2');
    expect(ahead.data).toEqual({ replayed: 0, lastSeq: 3, epoch });
    expect(current.pending).toEqual([{ type: 'resync', data: { lastSeq: 3, epoch } }]);
    await delivery.deliver(notes('alice', 1, 4));
    for (const client of [old, current]) expect((await client.next('note')).seq).toBe(4);
  });

  it('a log restored from an older backup: a cursor past it gets resync; a renewed epoch catches the rest', async () => {
    await start();
    await delivery.deliver(notes('alice', 2));
    const epoch = await store.epoch();
    await stop();
    const backup = `${environment.dir}/backup.sqlite`;
    copyFileSync(file, backup);

    await boot();
    const phone = await connect('alice', `?lastSeq=2&epoch=${epoch}`);
    await phone.next('resume');
    await delivery.deliver(notes('alice', 3, 3));
    expect((await durableFrames(phone, 'note', 3)).map((f) => f.seq)).toEqual([3, 4, 5]);
    // The phone keeps (5, epoch) as its cursor; the database is then restored from the backup.
    await stop();
    copyFileSync(backup, file);

    await boot();
    expect(await store.head('alice')).toMatchObject({ lastSeq: 2 });
    const back = await connect('alice', `?lastSeq=5&epoch=${epoch}`);
    expect(await back.next()).toEqual({ type: 'resync', data: { lastSeq: 2, epoch } });
    expect((await back.next()).data).toEqual({ replayed: 0, lastSeq: 2, epoch });
    await back.close();

    // A backup carries its epoch, so a cursor the restored log has outgrown again looks valid
    // (seqs 3–5 are other entries now). Renewing the epoch after the restore catches it.
    const renewed = await store.renewEpoch();
    expect(renewed).toMatch(DELIVERY_LOG_EPOCH_PATTERN);
    expect(renewed).not.toBe(epoch);
    expect(await store.epoch()).toBe(renewed);
    await delivery.deliver(notes('alice', 4, 103));
    const laptop = await connect('alice', `?lastSeq=5&epoch=${epoch}`);
    expect(await laptop.next()).toEqual({ type: 'resync', data: { lastSeq: 6, epoch: renewed } });
    expect((await laptop.next()).data).toEqual({ replayed: 0, lastSeq: 6, epoch: renewed });
  });

  it('refuses a malformed epoch: 400 at the handshake, VALIDATION_FAILED for a resume frame', async () => {
    await start();
    await delivery.deliver(notes('alice', 2));
    for (const query of [
      '?lastSeq=1&epoch=',
      '?lastSeq=1&epoch=has%20space',
      `?lastSeq=1&epoch=${'e'.repeat(65)}`,
      '?epoch=abc',
    ]) {
      expect([
        query,
        await handshakeStatus(`${server.url}${query}`, bearer(server.token('a'))),
      ]).toEqual([query, 400]);
    }
    const client = await connect('alice', '?lastSeq=0');
    await durableFrames(client, 'note', 2);
    await client.next('resume');
    for (const epoch of ['has space', 42, '', 'x'.repeat(65)]) {
      const refused = await client.request('resume', { lastSeq: 0, epoch });
      expect(refused.data).toMatchObject({
        code: RealtimeErrorCode.VALIDATION_FAILED,
        details: [{ field: 'epoch' }],
      });
    }
    // Nothing moved: the connection is where it was and gets the next entry once.
    await delivery.deliver(notes('alice', 1, 3));
    expect((await client.next('note')).seq).toBe(3);
    expect(client.pending).toEqual([]);
  });

  it('a store whose epoch is malformed fails the catch-up with 1011 rather than hand it out', async () => {
    await start();
    epochOverride = 'not an epoch';
    const client = await connect('alice');
    expect((await client.next('error')).data.code).toBe(RealtimeErrorCode.INTERNAL);
    expect((await client.closed).code).toBe(RealtimeCloseCode.INTERNAL_ERROR);
  });

  it('?lastSeq= replays before live entries: no gap, no reordering, no duplicate', async () => {
    await start(4);
    await delivery.deliver(notes('alice', 30));
    // Ten entries committed and pushed live while the replay has read 1–4 and sent nothing yet;
    // later replay reads see them in the log as well.
    afterFirstRead = async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => delivery.deliver(notes('alice', 1, 31 + i))),
      );
    };
    const client = await connect('alice', '?lastSeq=0');
    const frames = await durableFrames(client, 'note', 40);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(frames.map((f) => (f.data as { n: number }).n)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    await client.request('ping');
    expect(client.pending.filter((f) => f.type === 'note')).toEqual([]);
  });

  it('a cursor older than retention gets resync', async () => {
    await start();
    await delivery.deliver(notes('alice', 5));
    await store.prune({ maxEntriesPerUser: 2 }, Date.now());
    const client = await connect('alice', '?lastSeq=1');
    const epoch = await store.epoch();
    expect(await client.next('resync')).toEqual({ type: 'resync', data: { lastSeq: 5, epoch } });
    await delivery.deliver(notes('alice', 1, 6));
    expect((await client.next('note')).seq).toBe(6);
  });

  it('refuses a malformed lastSeq at the handshake with 400', async () => {
    await start();
    for (const query of ['?lastSeq=-1', '?lastSeq=abc', '?lastSeq=1.5']) {
      expect(await handshakeStatus(`${server.url}${query}`, bearer(server.token('a')))).toBe(400);
    }
  });
});

describe('Delivery log maintenance (library)', () => {
  let environment: ScopedEnvironment;
  let db: Kysely<DeliveryLogTables>;
  let server: LibraryTestApp;

  afterEach(async () => {
    await server.close();
    await db.destroy();
    environment.restore();
  });

  it('prunes by retention and reports unacknowledged entries to onUndelivered once', async () => {
    environment = new ScopedEnvironment('maintenance');
    db = new Kysely<DeliveryLogTables>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(`${environment.dir}/log.sqlite`) }),
    });
    await createDeliveryLogTables(db as Kysely<unknown>);
    const store = new KyselyDeliveryLogStore(db);
    const reported: number[][] = [];
    server = await startLibraryTestApp({
      deliveryLog: store,
      retention: { maxEntriesPerUser: 3 },
      undeliveredAfterMs: 60_000,
      onUndelivered: (entries) => {
        reported.push(entries.map((e) => e.seq));
      },
    });
    const delivery = server.app.get(DurableDelivery);
    await delivery.deliver([1, 2, 3, 4, 5].map((n) => ({ userId: 'a', type: 'note', data: n })));
    await store.ack('a', 2);
    const maintenance = server.app.get(DeliveryMaintenance);

    await maintenance.run(Date.now());
    expect(await store.head('a')).toMatchObject({ prunedSeq: 2, lastSeq: 5 });
    expect(reported).toEqual([]);

    await maintenance.run(Date.now() + 61_000);
    await maintenance.run(Date.now() + 62_000);
    expect(reported).toEqual([[3, 4, 5]]);
  });
});

describe('Durable delivery when no log is configured (library)', () => {
  let server: LibraryTestApp;
  afterEach(async () => server.close());

  it('answers ack and resume with UNKNOWN_TYPE and refuses ?lastSeq with 400', async () => {
    server = await startLibraryTestApp();
    const { client } = await WsTestClient.connect(server.url, bearer(server.token('a')));
    try {
      expect((await client.request('ack', { seq: 1 }, 'x')).data.code).toBe(
        RealtimeErrorCode.UNKNOWN_TYPE,
      );
      expect((await client.request('resume', { lastSeq: 0 }, 'y')).data.code).toBe(
        RealtimeErrorCode.UNKNOWN_TYPE,
      );
    } finally {
      await client.close();
    }
    expect(await handshakeStatus(`${server.url}?lastSeq=0`, bearer(server.token('a')))).toBe(400);
    const withEpoch = `${server.url}?lastSeq=0&epoch=abc`;
    expect(await handshakeStatus(withEpoch, bearer(server.token('a')))).toBe(400);
  });
});
