import { ConnectionRegistry, RealtimeCloseCode } from '@nest-realtime/core';
import { WebSocket } from 'ws';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { handshakeStatus, WsTestClient } from './support/ws-test-client';

/**
 * Answers each application heartbeat the client receives with `reply` (nothing when `null`);
 * `beats(n)` resolves once `n` heartbeats have arrived, and rejects if the connection closes first.
 */
function onHeartbeats(client: WsTestClient, reply: object | null) {
  let count = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  client.socket.on('message', (data: Buffer) => {
    if ((JSON.parse(data.toString()) as { type: string }).type !== 'heartbeat') return;
    count++;
    if (reply !== null) client.socket.send(JSON.stringify(reply));
    for (const waiter of waiters.filter((w) => count >= w.count)) waiter.resolve();
  });
  return {
    beats: (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        if (count >= n) return resolve();
        waiters.push({ count: n, resolve });
        void client.closed.then(({ code }) =>
          reject(new Error(`closed with ${code} after ${count} heartbeats`)),
        );
      }),
  };
}

describe('Liveness and shutdown (library)', () => {
  let server: LibraryTestApp;

  afterEach(async () => {
    await server.close();
  });

  it('terminates a peer that does not answer pings and forgets it at once; answering peers stay', async () => {
    server = await startLibraryTestApp({ heartbeatIntervalMs: 100 });
    const registry = server.app.get(ConnectionRegistry);
    const { client: healthy } = await WsTestClient.connect(
      server.url,
      bearer(server.token('healthy')),
    );
    const { client: silent } = await WsTestClient.connect(server.url, {
      ...bearer(server.token('silent')),
      autoPong: false,
    });
    expect(registry.isOnline('silent')).toBe(true);

    const closed = await silent.closed;

    expect(closed.code).toBe(1006);
    expect(registry.isOnline('silent')).toBe(false);
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    expect(registry.isOnline('healthy')).toBe(true);
    await healthy.close();
  });

  it('spreads the pings of connections that arrived together over the interval', async () => {
    server = await startLibraryTestApp({ heartbeatIntervalMs: 1000 });
    const clients = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        WsTestClient.connect(server.url, bearer(server.token(`p${i}`))).then(
          ({ client }) => client,
        ),
      ),
    );
    const firstPings = await Promise.all(
      clients.map(
        (client) =>
          new Promise<number>((resolve) => client.socket.once('ping', () => resolve(Date.now()))),
      ),
    );

    // In one burst they would all arrive within a few milliseconds.
    expect(Math.max(...firstPings) - Math.min(...firstPings)).toBeGreaterThan(300);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('with heartbeatFrames, keeps peers that answer the heartbeat frame (or send anything) without protocol pongs, and terminates the silent', async () => {
    server = await startLibraryTestApp({ heartbeatIntervalMs: 100, heartbeatFrames: true });
    const registry = server.app.get(ConnectionRegistry);
    // autoPong off: none of them answers protocol pings; only frames can keep them alive.
    const open = (user: string) =>
      WsTestClient.connect(server.url, { ...bearer(server.token(user)), autoPong: false }).then(
        ({ client }) => client,
      );
    const [ponging, chatty, silent] = await Promise.all([
      open('ponging'),
      open('chatty'),
      open('silent'),
    ]);
    const pongs = onHeartbeats(ponging, { type: 'pong' });
    // Not an answer to the heartbeat as such: any frame shows the peer is alive.
    const chatter = onHeartbeats(chatty, { type: 'echo', data: { text: 'still here' } });
    onHeartbeats(silent, null);

    expect((await silent.closed).code).toBe(1006);
    expect(registry.isOnline('silent')).toBe(false);
    // Five beats are four intervals: twice what a peer that answers nothing survives.
    await Promise.all([pongs.beats(5), chatter.beats(5)]);

    for (const client of [ponging, chatty]) expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(registry.isOnline('ponging')).toBe(true);
    expect(registry.isOnline('chatty')).toBe(true);
    // The frame is exactly `{"type":"heartbeat"}`, and `pong` is never answered, not even with an error.
    expect(await ponging.next('heartbeat')).toEqual({ type: 'heartbeat' });
    expect(ponging.pending.filter((frame) => frame.type !== 'heartbeat')).toEqual([]);
    await Promise.all([ponging.close(), chatty.close()]);
  });

  it('spreads the heartbeat frames of connections that arrived together over the interval', async () => {
    server = await startLibraryTestApp({ heartbeatIntervalMs: 1000, heartbeatFrames: true });
    const clients = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        WsTestClient.connect(server.url, bearer(server.token(`h${i}`))).then(
          ({ client }) => client,
        ),
      ),
    );
    const firstBeats = await Promise.all(
      clients.map((client) => client.next('heartbeat', 3000).then(() => Date.now())),
    );

    expect(Math.max(...firstBeats) - Math.min(...firstBeats)).toBeGreaterThan(300);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('accepts pong silently with heartbeatFrames off: no reply, no UNKNOWN_TYPE, no heartbeat frames', async () => {
    server = await startLibraryTestApp({ heartbeatIntervalMs: 100 });
    const { client } = await WsTestClient.connect(server.url, bearer(server.token('ada')));
    const pinged = new Promise<void>((resolve) => client.socket.once('ping', () => resolve()));

    client.send({ type: 'pong' });
    client.send({ type: 'pong', data: { whatever: true } });
    // Frames are answered in order: anything about the pongs would arrive before this reply.
    expect(await client.request('ping', undefined, 'p1')).toEqual({ type: 'pong', replyTo: 'p1' });
    expect(client.pending).toEqual([]);
    // A pong with an id is answered, like every request with an id.
    expect(await client.request('pong', undefined, 'p2')).toEqual({ type: 'pong', replyTo: 'p2' });
    // Protocol pings go on; no heartbeat frame comes with them.
    await pinged;
    expect(await client.request('ping', undefined, 'p3')).toEqual({ type: 'pong', replyTo: 'p3' });
    expect(client.pending).toEqual([]);
    await client.close();
  });

  it('closes a connection with 1008 when its credential expires', async () => {
    server = await startLibraryTestApp();
    const registry = server.app.get(ConnectionRegistry);
    const { client } = await WsTestClient.connect(server.url, bearer(server.token('short', 1)));
    const openedAt = Date.now();

    const closed = await client.closed;

    expect(closed).toEqual({
      code: RealtimeCloseCode.POLICY_VIOLATION,
      reason: 'credential expired',
    });
    expect(Date.now() - openedAt).toBeLessThan(3000);
    expect(registry.isOnline('short')).toBe(false);
  });

  it('on shutdown closes clients with 1001 and refuses new upgrades with 503 while draining', async () => {
    server = await startLibraryTestApp({ shutdownTimeoutMs: 10_000 });
    const { client: prompt } = await WsTestClient.connect(server.url, bearer(server.token('a')));
    const { client: stalled } = await WsTestClient.connect(server.url, bearer(server.token('b')));
    // A client that does not read keeps the close handshake, and so the drain, pending.
    stalled.socket.pause();

    const closing = server.close();
    expect(await prompt.closed).toEqual({
      code: RealtimeCloseCode.GOING_AWAY,
      reason: 'server shutting down',
    });
    expect(await handshakeStatus(server.url, bearer(server.token('late')))).toBe(503);

    stalled.socket.resume();
    expect((await stalled.closed).code).toBe(RealtimeCloseCode.GOING_AWAY);
    await closing;
  });

  it('terminates clients that ignore the 1001 once shutdownTimeoutMs has passed', async () => {
    server = await startLibraryTestApp({ shutdownTimeoutMs: 200 });
    const { client: stalled } = await WsTestClient.connect(server.url, bearer(server.token('b')));
    stalled.socket.pause();
    const startedAt = Date.now();

    await server.close();

    expect(Date.now() - startedAt).toBeLessThan(3000);
    // The 1001 frame was written before the cut, so the client still learns why once it reads.
    stalled.socket.resume();
    expect((await stalled.closed).code).toBe(RealtimeCloseCode.GOING_AWAY);
  });
});
