import { ConnectionRegistry, RealtimeCloseCode } from '@nest-realtime/core';
import { WebSocket } from 'ws';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { handshakeStatus, WsTestClient } from './support/ws-test-client';

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
