import {
  ConnectionRegistry,
  DurableDelivery,
  RealtimePublisher,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import { RedisClusterTransport } from '@nest-realtime/core/redis';
import { randomBytes } from 'node:crypto';
import { bearer, startLibraryTestApp, type LibraryTestApp } from '../support/library-test-app';
import { postgresLogDatabase, type LogDatabase } from '../support/log-database';
import { describeWithPostgres } from '../support/postgres';
import { TestRedisServer } from '../support/redis-server';
import { TcpProxy } from '../support/tcp-proxy';
import { WsTestClient, type Frame } from '../support/ws-test-client';

/** Two instances of the module on one Redis and one PostgreSQL, in this process. */
interface Instance {
  server: LibraryTestApp;
  transport: RedisClusterTransport;
  publisher: RealtimePublisher;
  durable: DurableDelivery;
}

/** Waits until `condition` holds, checking every 10 ms (the transport has no event to await). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every frame of `type` until `count` of them arrived, in arrival order. */
async function collect(client: WsTestClient, type: string, count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  while (frames.length < count) frames.push(await client.next(type, 15_000));
  return frames;
}

describeWithPostgres('The module on several instances (Redis cluster bus)', () => {
  let redis: TestRedisServer;
  let log: LogDatabase;
  let instances: Instance[] = [];
  const clients: WsTestClient[] = [];

  async function startInstance(
    extra: RealtimeModuleOptions = {},
    redisUrl = redis.url,
  ): Promise<Instance> {
    const transport = new RedisClusterTransport({ url: redisUrl, channel });
    const server = await startLibraryTestApp({
      cluster: transport,
      deliveryLog: new KyselyDeliveryLogStore(log.db),
      authorizeRoom: () => true,
      gapWaitMs: 100,
      ...extra,
    });
    const instance = {
      server,
      transport,
      publisher: server.app.get(RealtimePublisher),
      durable: server.app.get(DurableDelivery),
    };
    instances.push(instance);
    await until(() => transport.state === 'up', 'the cluster transport');
    return instance;
  }

  async function connect(instance: Instance, userId: string, query = ''): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(
      `${instance.server.url}${query}`,
      bearer(instance.server.token(userId)),
    );
    clients.push(client);
    return client;
  }

  let channel: string;
  let proxy: TcpProxy | undefined;

  /**
   * A and B, B on a path to Redis that is then slowed by `delayMs`: what B publishes reaches A
   * late, so an entry A commits after one of B's reaches A's sockets first, from A itself.
   */
  async function crossedInstances(
    extra: RealtimeModuleOptions,
    delayMs: number,
  ): Promise<{ a: Instance; b: Instance }> {
    proxy = await TcpProxy.start('127.0.0.1', redis.port);
    const a = await startInstance(extra);
    const b = await startInstance(extra, `redis://127.0.0.1:${proxy.port}`);
    proxy.delay(delayMs);
    return { a, b };
  }

  beforeEach(async () => {
    channel = `test:${randomBytes(6).toString('hex')}`;
    redis = await TestRedisServer.start();
    log = await postgresLogDatabase();
  });

  afterEach(async () => {
    proxy?.close();
    proxy = undefined;
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(instances.map(({ server }) => server.close()));
    instances = [];
    await log.dispose();
    await redis.stop();
  });

  it('delivers toUser, toRoom, toAll and toConnection on every instance, once per socket', async () => {
    const a = await startInstance();
    const b = await startInstance();
    const aliceOnA = await connect(a, 'alice');
    const aliceOnB = await connect(b, 'alice');
    const bobOnB = await connect(b, 'bob');
    await aliceOnA.request('join', { room: 'lobby' });
    await bobOnB.request('join', { room: 'lobby' });
    const aliceOnBId = (await aliceOnB.request('whoami')).data.connectionId as string;

    expect(a.publisher.toUser('alice', 'to-user', { n: 1 })).toBe(1);
    expect(a.publisher.toRoom('lobby', 'to-room', { n: 2 })).toBe(1);
    expect(b.publisher.toAll('to-all', { n: 3 })).toBe(2);
    expect(a.publisher.toConnection(aliceOnBId, 'to-connection', { n: 4 })).toBe(0);
    // Redis keeps the order of each publisher's messages: once both instances' markers are
    // in, nothing either published before them is still on its way.
    a.publisher.toAll('marker', {});
    b.publisher.toAll('marker', {});

    const seen = async (client: WsTestClient): Promise<string[]> => {
      const types: string[] = [];
      for (let markers = 0; markers < 2;) {
        const frame = await client.next();
        if (frame.type === 'marker') markers++;
        else if (frame.type !== 'resume') types.push(`${frame.type}:${JSON.stringify(frame.data)}`);
      }
      return types.sort();
    };
    expect(await seen(aliceOnA)).toEqual(['to-all:{"n":3}', 'to-room:{"n":2}', 'to-user:{"n":1}']);
    expect(await seen(aliceOnB)).toEqual([
      'to-all:{"n":3}',
      'to-connection:{"n":4}',
      'to-user:{"n":1}',
    ]);
    expect(await seen(bobOnB)).toEqual(['to-all:{"n":3}', 'to-room:{"n":2}']);
  });

  it("disconnectUser on one instance closes the user's sockets on every instance with 1008", async () => {
    const a = await startInstance();
    const b = await startInstance();
    const henryOnA = await connect(a, 'henry');
    const henryOnB = await connect(b, 'henry');
    const ivyOnA = await connect(a, 'ivy');

    const started = Date.now();
    expect(b.publisher.disconnectUser('henry')).toBe(1);

    for (const client of [henryOnA, henryOnB]) {
      expect(await client.closed).toEqual({ code: 1008, reason: 'signed out' });
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(a.server.app.get(ConnectionRegistry).isOnline('henry')).toBe(false);
    expect(b.server.app.get(ConnectionRegistry).isOnline('henry')).toBe(false);
    expect((await ivyOnA.request('whoami')).data.userId).toBe('ivy');
  });

  it('a user entries written alternately on two instances reach a raw client on each with seq strictly +1', async () => {
    const a = await startInstance();
    const b = await startInstance();
    const onA = await connect(a, 'carol', '?lastSeq=0');
    const onB = await connect(b, 'carol', '?lastSeq=0');
    await onA.next('resume');
    await onB.next('resume');

    const total = 200;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const writer = i % 2 === 0 ? a : b;
      writes.push(writer.durable.deliver([{ userId: 'carol', type: 'note', data: { i } }]));
    }
    await Promise.all(writes);

    const logged = await log.db
      .selectFrom('realtime_delivery_log')
      .select(['seq', 'id'])
      .where('user_id', '=', 'carol')
      .orderBy('seq')
      .execute();
    const expected = logged.map((row) => ({ seq: Number(row.seq), id: row.id }));
    expect(expected.map(({ seq }) => seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const client of [onA, onB]) {
      const frames = await collect(client, 'note', total);
      expect(frames.map(({ seq, id }) => ({ seq, id }))).toEqual(expected);
    }
  });

  it('an entry that overtook its predecessor waits for it: a raw client sees seq strictly +1', async () => {
    const { a, b } = await crossedInstances({ gapWaitMs: 5_000 }, 300);
    const erin = await connect(a, 'erin', '?lastSeq=0');
    await erin.next('resume');

    await b.durable.deliver([{ userId: 'erin', type: 'note', data: { from: 'b' } }]);
    const [second] = await a.durable.deliver([
      { userId: 'erin', type: 'note', data: { from: 'a' } },
    ]);
    expect(second.seq).toBe(2);

    const frames = await collect(erin, 'note', 2);
    expect(frames.map(({ seq, data }) => [seq, (data as { from: string }).from])).toEqual([
      [1, 'b'],
      [2, 'a'],
    ]);
  });

  it('a gap still open after gapWaitMs is read from the log; the late original is then dropped', async () => {
    const { a, b } = await crossedInstances({ gapWaitMs: 50 }, 400);
    const frank = await connect(a, 'frank', '?lastSeq=0');
    await frank.next('resume');

    await b.durable.deliver([{ userId: 'frank', type: 'note', data: { n: 1 } }]);
    await a.durable.deliver([{ userId: 'frank', type: 'note', data: { n: 2 } }]);
    expect((await collect(frank, 'note', 2)).map(({ seq }) => seq)).toEqual([1, 2]);

    // B's own message for seq 1 is still on its way; B's next publish follows it on the same
    // path, so once that one is in, the late original has been dealt with: dropped.
    b.publisher.toUser('frank', 'marker', {});
    await frank.next('marker');
    await a.durable.deliver([{ userId: 'frank', type: 'note', data: { n: 3 } }]);
    expect((await frank.next('note')).seq).toBe(3);
    expect(frank.pending).toEqual([]);
  });

  it('the periodic position check catches up a connection that missed the last entry', async () => {
    proxy = await TcpProxy.start('127.0.0.1', redis.port);
    const a = await startInstance({ positionCheckIntervalMs: 200 });
    const b = await startInstance({}, `redis://127.0.0.1:${proxy.port}`);
    const gina = await connect(a, 'gina', '?lastSeq=0');
    await gina.next('resume');
    await b.durable.deliver([{ userId: 'gina', type: 'note', data: { n: 1 } }]);
    expect((await gina.next('note')).seq).toBe(1);

    // B loses Redis; A does not, so nothing tells A that B's next entry never came.
    proxy.close();
    await until(() => b.transport.state === 'down', 'B down');
    await b.durable.deliver([{ userId: 'gina', type: 'note', data: { n: 2 } }]);

    expect((await gina.next('note')).seq).toBe(2);
  });

  it('Redis SIGKILLed and restarted: no publish throws, local delivery goes on, and entries written meanwhile reach the other instance in order', async () => {
    const a = await startInstance({ positionCheckIntervalMs: 60_000 });
    const b = await startInstance({ positionCheckIntervalMs: 60_000 });
    const daveOnA = await connect(a, 'dave', '?lastSeq=0');
    const daveOnB = await connect(b, 'dave', '?lastSeq=0');
    await daveOnA.next('resume');
    await daveOnB.next('resume');
    await a.durable.deliver([{ userId: 'dave', type: 'note', data: { before: true } }]);
    expect((await daveOnB.next('note')).seq).toBe(1);
    expect((await daveOnA.next('note')).seq).toBe(1);

    await redis.kill();
    await until(() => a.transport.state === 'down' && b.transport.state === 'down', 'both down');
    // Live pushes reach this instance's sockets; the publish neither throws nor waits.
    expect(a.publisher.toUser('dave', 'live-during-outage', {})).toBe(1);
    expect((await daveOnA.next('live-during-outage')).type).toBe('live-during-outage');
    for (let i = 0; i < 20; i++) {
      await a.durable.deliver([{ userId: 'dave', type: 'note', data: { during: i } }]);
    }
    expect((await collect(daveOnA, 'note', 20)).map(({ seq }) => seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );

    await redis.restart();
    await until(() => a.transport.state === 'up' && b.transport.state === 'up', 'both up again');
    // B catches its connection up from the log when its transport is back, in order, no gap.
    const caughtUp = await collect(daveOnB, 'note', 20);
    expect(caughtUp.map(({ seq }) => seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    // And the bus carries new entries again.
    await a.durable.deliver([{ userId: 'dave', type: 'note', data: { after: true } }]);
    expect((await daveOnB.next('note')).seq).toBe(22);
    expect(daveOnB.pending.filter(({ type }) => type === 'live-during-outage')).toEqual([]);
  });
});
