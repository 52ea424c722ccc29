import {
  PresenceUnavailableError,
  RealtimePresence,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import { RedisPresenceStore } from '@nest-realtime/core/redis';
import { randomBytes } from 'node:crypto';
import { bearer, startLibraryTestApp, type LibraryTestApp } from '../support/library-test-app';
import { TestRedisServer } from '../support/redis-server';
import { handshakeStatus, WsTestClient } from '../support/ws-test-client';

/** Reads `read` every 20 ms until it answers `expected` (Redis has no change event to await). */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (JSON.stringify(value) === JSON.stringify(expected) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Presence across instances (RedisPresenceStore)', () => {
  let redis: TestRedisServer;
  let keyPrefix: string;
  let servers: LibraryTestApp[] = [];
  const clients: WsTestClient[] = [];

  async function startInstances(count: number, extra: RealtimeModuleOptions = {}) {
    const started: { server: LibraryTestApp; presence: RealtimePresence }[] = [];
    for (let i = 0; i < count; i++) {
      const server = await startLibraryTestApp({
        presence: new RedisPresenceStore({ url: redis.url, keyPrefix }),
        authorizeRoom: () => true,
        ...extra,
      });
      servers.push(server);
      started.push({ server, presence: server.app.get(RealtimePresence) });
    }
    return started;
  }

  async function connect(server: LibraryTestApp, userId: string): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(server.url, bearer(server.token(userId)));
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    redis = await TestRedisServer.start();
    keyPrefix = `test:${randomBytes(4).toString('hex')}:`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
    await redis.stop();
  });

  it('counts connections on three instances, on every instance, and follows closes', async () => {
    const [a, b, c] = await startInstances(3);
    const onA = await connect(a.server, 'alice');
    const onB = await connect(b.server, 'alice');
    const onC = await connect(c.server, 'alice');
    await connect(c.server, 'bob');

    for (const { presence } of [a, b, c]) {
      expect(presence.clusterWide).toBe(true);
      expect(await presence.connectionCount('alice')).toBe(3);
      expect(await presence.isOnline('alice')).toBe(true);
      expect(await presence.connectionCount('bob')).toBe(1);
      expect(await presence.isOnline('nobody')).toBe(false);
    }

    await onB.close();
    expect(await eventually(() => a.presence.connectionCount('alice'), 2)).toBe(2);
    await onA.close();
    await onC.close();
    expect(await eventually(() => b.presence.connectionCount('alice'), 0)).toBe(0);
    expect(await c.presence.isOnline('alice')).toBe(false);
    expect(await a.presence.connectionCount('bob')).toBe(1);
  });

  it('lists the members of a room that spans instances, and follows leaves and closes', async () => {
    const [a, b, c] = await startInstances(3);
    const carol = await connect(a.server, 'carol');
    const dave = await connect(b.server, 'dave');
    const daveAgain = await connect(c.server, 'dave');
    const erin = await connect(c.server, 'erin');
    for (const client of [carol, dave, daveAgain, erin]) {
      await client.request('join', { room: 'lobby' });
    }
    await erin.request('join', { room: 'elsewhere' });

    for (const { presence } of [a, b, c]) {
      expect((await presence.roomMembers('lobby')).sort()).toEqual(['carol', 'dave', 'erin']);
    }
    // Dave is still in through his other connection.
    await dave.request('leave', { room: 'lobby' });
    await erin.close();
    expect(
      await eventually(
        async () => (await a.presence.roomMembers('lobby')).sort(),
        ['carol', 'dave'],
      ),
    ).toEqual(['carol', 'dave']);
    expect(await b.presence.roomMembers('elsewhere')).toEqual([]);
    await daveAgain.close();
    expect(await eventually(() => c.presence.roomMembers('lobby'), ['carol'])).toEqual(['carol']);
  });

  it('holds maxConnectionsPerUser across instances: one more is refused with 429, a close frees a place', async () => {
    const [a, b, c] = await startInstances(3, { maxConnectionsPerUser: 2 });
    await connect(a.server, 'frank');
    const onB = await connect(b.server, 'frank');
    const token = bearer(c.server.token('frank'));
    expect(await handshakeStatus(c.server.url, token)).toBe(429);
    expect(await handshakeStatus(a.server.url, bearer(a.server.token('frank')))).toBe(429);
    expect(await c.presence.connectionCount('frank')).toBe(2);

    await onB.close();
    await eventually(() => c.presence.connectionCount('frank'), 1);
    await connect(c.server, 'frank');
    expect(await a.presence.connectionCount('frank')).toBe(2);
  });

  it('concurrent handshakes of one user on three instances: exactly the cap gets through', async () => {
    const instances = await startInstances(3, { maxConnectionsPerUser: 3 });
    const attempts = Array.from({ length: 9 }, (_, i) => {
      const { server } = instances[i % 3];
      return WsTestClient.open(server.url, bearer(server.token('gina'))).then(
        (client) => {
          clients.push(client);
          return 101;
        },
        (error: { status?: number }) => error.status ?? 0,
      );
    });
    const statuses = await Promise.all(attempts);
    expect(statuses.filter((status) => status === 101)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    expect(await instances[0].presence.connectionCount('gina')).toBe(3);
  });

  it('while Redis is down: handshakes go ahead under the local cap, reads reject; once back, counts are rewritten', async () => {
    const [a, b] = await startInstances(2, { presenceRefreshMs: 60_000 });
    await connect(a.server, 'hank');
    await connect(b.server, 'hank');
    expect(await a.presence.connectionCount('hank')).toBe(2);

    await redis.kill();
    await expect(a.presence.connectionCount('hank')).rejects.toBeInstanceOf(
      PresenceUnavailableError,
    );
    const started = Date.now();
    await connect(a.server, 'hank');
    expect(Date.now() - started).toBeLessThan(3_000);

    // A restarted Redis (no persistence) has lost everything; each instance rewrites its part
    // as soon as it is connected again, not a refresh period (60 s here) later.
    await redis.restart();
    expect(await eventually(() => b.presence.connectionCount('hank').catch(() => -1), 3)).toBe(3);
  });

  it('without a store, answers from this instance', async () => {
    const server = await startLibraryTestApp({ authorizeRoom: () => true });
    servers.push(server);
    const presence = server.app.get(RealtimePresence);
    const ivy = await connect(server, 'ivy');
    await ivy.request('join', { room: 'lobby' });
    expect(presence.clusterWide).toBe(false);
    expect(await presence.connectionCount('ivy')).toBe(1);
    expect(await presence.roomMembers('lobby')).toEqual(['ivy']);
    await ivy.close();
    expect(await eventually(() => presence.isOnline('ivy'), false)).toBe(false);
  });
});
