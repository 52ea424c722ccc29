import {
  ConnectionRegistry,
  DeliveryEntryRejectedError,
  DurableDelivery,
  RealtimeCloseCode,
  RealtimeErrorCode,
} from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import { RealtimeClient } from '@nest-realtime/client';
import { FaultyDeliveryLogStore } from '../support/faulty-delivery-log.store';
import { bearer, startLibraryTestApp, type LibraryTestApp } from '../support/library-test-app';
import { postgresLogDatabase, sqliteLogDatabase, type LogDatabase } from '../support/log-database';
import { describeWithPostgres } from '../support/postgres';
import { closeAll, WsTestClient, type Frame } from '../support/ws-test-client';
import { WebSocket } from 'ws';

/**
 * Faults while a connection catches up on its durable log, injected with a store that throws on
 * chosen calls (a database error during `?lastSeq=` or `resume`), a refused resume, an unwritable
 * entry in a group commit, and a backlog far larger than a socket's send buffer. Each test ends
 * with an audit of what the client saw against what the log holds.
 */
function catchUpFaults(open: () => Promise<LogDatabase>): void {
  let log: LogDatabase;
  let store: KyselyDeliveryLogStore;
  let faulty: FaultyDeliveryLogStore;
  let server: LibraryTestApp;
  let delivery: DurableDelivery;
  const clients: WsTestClient[] = [];

  beforeEach(async () => {
    log = await open();
    store = new KyselyDeliveryLogStore(log.db);
    faulty = new FaultyDeliveryLogStore(store);
    server = await startLibraryTestApp({ deliveryLog: faulty });
    delivery = server.app.get(DurableDelivery);
  });

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await server.close();
    await log.dispose();
  });

  async function connect(userId: string, query = ''): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(
      `${server.url}${query}`,
      bearer(server.token(userId)),
    );
    clients.push(client);
    return client;
  }

  const notes = (userId: string, count: number, from = 1) =>
    Array.from({ length: count }, (_, i) => ({ userId, type: 'note', data: { n: from + i } }));

  /** Durable frames of `type` until `lastSeq` has arrived. */
  async function durableUntil(client: WsTestClient, lastSeq: number, type = 'note') {
    const frames: Frame[] = [];
    while (frames.at(-1)?.seq !== lastSeq) frames.push(await client.next(type));
    return frames;
  }

  /** How the socket ended, or the first durable frame it got instead (the gap this must not be). */
  function closedOrNote(client: WsTestClient): Promise<unknown> {
    return Promise.race([client.closed, client.next('note', 10_000)]);
  }

  /** Every seq of the user's log, read from the database. */
  async function loggedSeqs(userId: string): Promise<number[]> {
    const read = await store.readAfter(userId, 0, 100_000);
    return read.kind === 'entries' ? read.entries.map((entry) => entry.seq) : [];
  }

  it('a database error during ?lastSeq= closes with 1011 and moves nothing; the reconnect replays all', async () => {
    await delivery.deliver(notes('alice', 5));
    faulty.failNext('readAfter');
    const failed = await connect('alice', '?lastSeq=2');
    const error = await failed.next('error');
    expect(error.data.code).toBe(RealtimeErrorCode.INTERNAL);
    // Live entries written now must not reach the socket past the gap 3..5.
    await delivery.deliver(notes('alice', 1, 6));
    expect(await closedOrNote(failed)).toMatchObject({ code: RealtimeCloseCode.INTERNAL_ERROR });
    expect(failed.pending.filter((frame) => frame.seq !== undefined)).toEqual([]);

    const again = await connect('alice', '?lastSeq=2');
    const seen = await durableUntil(again, 6);
    expect(seen.map((frame) => frame.seq)).toEqual([3, 4, 5, 6]);
    const epoch = await store.epoch();
    expect((await again.next('resume')).data).toEqual({ replayed: 4, lastSeq: 6, epoch });
    expect(await loggedSeqs('alice')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a database error while starting at the head closes with 1011; nothing reaches the socket', async () => {
    faulty.failNext('head');
    const failed = await connect('alice');
    expect((await failed.next('error')).data.code).toBe(RealtimeErrorCode.INTERNAL);
    await delivery.deliver(notes('alice', 2));
    expect(await closedOrNote(failed)).toMatchObject({ code: RealtimeCloseCode.INTERNAL_ERROR });
    expect(failed.pending.filter((frame) => frame.seq !== undefined)).toEqual([]);
  });

  it('a database error reading the epoch closes with 1011; the reconnect with the cursor replays', async () => {
    await delivery.deliver(notes('alice', 3));
    const epoch = await store.epoch();
    faulty.failNext('epoch');
    const failed = await connect('alice', `?lastSeq=1&epoch=${epoch}`);
    expect((await failed.next('error')).data.code).toBe(RealtimeErrorCode.INTERNAL);
    expect(await closedOrNote(failed)).toMatchObject({ code: RealtimeCloseCode.INTERNAL_ERROR });
    expect(failed.pending.filter((frame) => frame.seq !== undefined)).toEqual([]);
    const again = await connect('alice', `?lastSeq=1&epoch=${epoch}`);
    expect((await durableUntil(again, 3)).map((frame) => frame.seq)).toEqual([2, 3]);
    expect((await again.next('resume')).data).toEqual({ replayed: 2, lastSeq: 3, epoch });
  });

  it('a database error during a resume request answers INTERNAL, closes with 1011, no entry past the gap', async () => {
    await delivery.deliver(notes('alice', 3));
    const client = await connect('alice', '?lastSeq=3');
    expect((await client.next('resume')).data).toMatchObject({ replayed: 0, lastSeq: 3 });
    faulty.failNext('readAfter');
    const reply = await client.request('resume', { lastSeq: 1 }, 'r1');
    expect(reply.data.code).toBe(RealtimeErrorCode.INTERNAL);
    await delivery.deliver(notes('alice', 1, 4));
    expect(await closedOrNote(client)).toMatchObject({ code: RealtimeCloseCode.INTERNAL_ERROR });
    expect(client.pending.filter((frame) => frame.seq !== undefined)).toEqual([]);
  });

  it('a resume with a cursor ahead of the log gets resync at the head: live entries keep coming', async () => {
    await delivery.deliver(notes('alice', 3));
    const client = await connect('alice', '?lastSeq=3');
    const epoch = await store.epoch();
    expect((await client.next('resume')).data).toEqual({ replayed: 0, lastSeq: 3, epoch });
    const ahead = await client.request('resume', { lastSeq: 99, epoch }, 'r1');
    expect(ahead.data).toEqual({ replayed: 0, lastSeq: 3, epoch });
    expect(client.pending).toEqual([{ type: 'resync', data: { lastSeq: 3, epoch } }]);
    await delivery.deliver(notes('alice', 3, 4));
    const seen = await durableUntil(client, 6);
    expect(seen.map((frame) => frame.seq)).toEqual([4, 5, 6]);
    expect(await loggedSeqs('alice')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('?lastSeq= ahead of the log, or of another epoch, gets resync and is live from the head', async () => {
    await delivery.deliver(notes('alice', 2));
    const epoch = await store.epoch();
    const ahead = await connect('alice', '?lastSeq=50');
    const other = await connect('alice', '?lastSeq=1&epoch=restored-elsewhere');
    for (const client of [ahead, other]) {
      expect(await client.next()).toEqual({ type: 'resync', data: { lastSeq: 2, epoch } });
      expect((await client.next()).data).toEqual({ replayed: 0, lastSeq: 2, epoch });
    }
    await delivery.deliver(notes('alice', 2, 3));
    for (const client of [ahead, other]) {
      expect((await durableUntil(client, 4)).map((frame) => frame.seq)).toEqual([3, 4]);
      expect(client.pending).toEqual([]);
    }
    expect(await loggedSeqs('alice')).toEqual([1, 2, 3, 4]);
  });

  it('one unwritable entry fails its own caller only; the others of the group commit are written', async () => {
    await delivery.deliver([{ userId: 'alice', type: 'note', data: { n: 0 }, id: 'taken' }]);
    const client = await connect('alice', '?lastSeq=1');
    await client.next('resume');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const outcomes = await Promise.allSettled([
      delivery.deliver(notes('alice', 2, 1)),
      delivery.deliver([{ userId: 'alice', type: 'note', data: { n: 10n } }]),
      delivery.deliver([{ userId: 'alice', type: 'note', data: circular }]),
      delivery.deliver([{ userId: 'alice', type: 'note', data: { n: 3 }, id: 'taken' }]),
      delivery.deliver(notes('alice', 2, 4)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    const reasons = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? (outcome.reason as { reason?: unknown }).reason : undefined,
    );
    // Refused before grouping (not JSON), and the database's unique violation on the taken id.
    expect(reasons.slice(1, 3)).toEqual(['data', 'data']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(
      DeliveryEntryRejectedError,
    );
    expect((outcomes[3] as PromiseRejectedResult).reason).not.toBeInstanceOf(
      DeliveryEntryRejectedError,
    );
    const seen = await durableUntil(client, 5);
    expect(seen.map((frame): unknown => [frame.seq, frame.data.n])).toEqual([
      [2, 1],
      [3, 2],
      [4, 4],
      [5, 5],
    ]);
    expect(await loggedSeqs('alice')).toEqual([1, 2, 3, 4, 5]);
  });

  it('a database failure fails the whole group once, without retrying it in parts', async () => {
    faulty.failNext('append');
    const appendsBefore = faulty.calls.get('append') ?? 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => delivery.deliver(notes('alice', 1, i + 1))),
    );
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect((faulty.calls.get('append') ?? 0) - appendsBefore).toBe(1);
    // Nothing was written, and the next delivery starts the log at seq 1.
    expect(await loggedSeqs('alice')).toEqual([]);
    expect((await delivery.deliver(notes('alice', 1)))[0].seq).toBe(1);
  });

  it('the client SDK comes through a failed catch-up with every entry once, in order, all acked', async () => {
    const sdk = new RealtimeClient<{ note: { n: number } }>({
      url: server.url,
      WebSocket,
      auth: () => ({ headers: { authorization: `Bearer ${server.token('alice')}` } }),
      reconnect: { baseMs: 20, capMs: 100 },
      ackDelayMs: 5,
    });
    const seen: number[] = [];
    const waiters: { seq: number; resolve: () => void }[] = [];
    sdk.on('note', (_note, { seq }) => {
      seen.push(seq!);
      for (const waiter of waiters.filter((w) => w.seq === seq)) waiter.resolve();
    });
    const until = (seq: number) =>
      new Promise<void>((resolve) =>
        seen.includes(seq) ? resolve() : waiters.push({ seq, resolve }),
      );
    const closes: number[] = [];
    sdk.on('reconnecting', ({ code }) => void closes.push(code));
    try {
      await new Promise<void>((resolve) => sdk.once('open', () => resolve()));
      await delivery.deliver(notes('alice', 3));
      await until(3);
      // The next catch-up fails; the socket is cut and entries are written while it is away.
      faulty.failNext('readAfter');
      for (const connection of server.app.get(ConnectionRegistry).connectionsOf('alice')) {
        connection.socket.terminate();
      }
      await delivery.deliver(notes('alice', 3, 4));
      await until(6);
      await delivery.deliver(notes('alice', 4, 7));
      await until(10);
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(closes).toContain(RealtimeCloseCode.INTERNAL_ERROR);
      expect(await loggedSeqs('alice')).toEqual(seen);
      // Acks are written by the server on its own time; no event tells the test, so it polls.
      while ((await store.head('alice')).ackedSeq !== 10) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      sdk.dispose();
    }
  });

  it('replays a 20 MB backlog to a healthy client without cutting it as a slow consumer', async () => {
    const filler = 'x'.repeat(40_000);
    for (let batch = 0; batch < 5; batch++) {
      await delivery.deliver(
        Array.from({ length: 100 }, (_, i) => ({
          userId: 'alice',
          type: 'note',
          data: { n: batch * 100 + i + 1, filler },
        })),
      );
    }
    const client = await connect('alice', '?lastSeq=0');
    const seen = await durableUntil(client, 500);
    expect(seen.map((frame) => frame.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect((await client.next('resume')).data).toMatchObject({ replayed: 500, lastSeq: 500 });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  }, 60_000);
}

describe('Faults while catching up on the durable log (SQLite)', () =>
  catchUpFaults(() => sqliteLogDatabase('faults-catch-up')));

describeWithPostgres('Faults while catching up on the durable log (PostgreSQL)', () =>
  catchUpFaults(postgresLogDatabase),
);
