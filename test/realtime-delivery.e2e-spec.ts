import { ConnectionRegistry, RealtimeCloseCode, RealtimePublisher } from '@nest-realtime/core';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { closeAll, WsTestClient } from './support/ws-test-client';

describe('Delivery and registry (library)', () => {
  let server: LibraryTestApp;
  let publisher: RealtimePublisher;
  let registry: ConnectionRegistry;
  const clients: WsTestClient[] = [];

  async function connect(userId: string): Promise<{ client: WsTestClient; connectionId: string }> {
    const { client, connected } = await WsTestClient.connect(
      server.url,
      bearer(server.token(userId)),
    );
    clients.push(client);
    return { client, connectionId: connected.data.connectionId as string };
  }

  beforeEach(async () => {
    server = await startLibraryTestApp({
      authorizeRoom: ({ principal, room }) =>
        room.startsWith('public:') || room === `user:${principal.userId}`,
      maxBufferedBytes: 256 * 1024,
    });
    publisher = server.app.get(RealtimePublisher);
    registry = server.app.get(ConnectionRegistry);
  });

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await server.close();
  });

  it('toUser reaches every device of that user and no one else', async () => {
    const phone = await connect('alice');
    const laptop = await connect('alice');
    const bob = await connect('bob');
    expect(registry.connectionsOf('alice').size).toBe(2);

    const reached = publisher.toUser('alice', 'schedule-reminder', { id: 'r1', title: 'Stand-up' });

    expect(reached).toBe(2);
    for (const device of [phone, laptop]) {
      expect(await device.client.next('schedule-reminder')).toEqual({
        type: 'schedule-reminder',
        data: { id: 'r1', title: 'Stand-up' },
      });
    }
    // Bob's next frame is the pong to a later ping: nothing for alice came before it.
    expect(await bob.client.request('ping')).toMatchObject({ type: 'pong' });
    expect(bob.client.pending).toEqual([]);
  });

  it('toUser of an offline user reaches nobody', () => {
    expect(publisher.toUser('nobody', 'x', {})).toBe(0);
    expect(registry.isOnline('nobody')).toBe(false);
  });

  it('toAll and toConnection reach what they say', async () => {
    const a = await connect('alice');
    const b = await connect('bob');
    expect(publisher.toAll('announcement', { text: 'hello' })).toBe(2);
    await a.client.next('announcement');
    await b.client.next('announcement');
    expect(publisher.toConnection(b.connectionId, 'direct', 1)).toBe(1);
    expect(await b.client.next('direct')).toEqual({ type: 'direct', data: 1 });
    expect(publisher.toConnection('no-such-connection', 'direct', 1)).toBe(0);
  });

  it('carries seq and id on durable pushes', async () => {
    const a = await connect('alice');
    publisher.toUser('alice', 'notification', { title: 't' }, { seq: 17, id: 'n-17' });
    expect(await a.client.next('notification')).toEqual({
      type: 'notification',
      seq: 17,
      id: 'n-17',
      data: { title: 't' },
    });
  });

  it('joins rooms through authorizeRoom: allowed rooms join, others answer FORBIDDEN', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');

    expect(await alice.client.request('join', { room: 'public:lobby' }, 'j1')).toEqual({
      type: 'join',
      data: { room: 'public:lobby' },
      replyTo: 'j1',
    });
    expect(await alice.client.request('join', { room: 'user:alice' }, 'j2')).toMatchObject({
      type: 'join',
    });
    const refused = await bob.client.request('join', { room: 'user:alice' }, 'j3');
    expect(refused).toEqual({
      type: 'error',
      data: { code: 'FORBIDDEN', message: 'You may not join room "user:alice".' },
      replyTo: 'j3',
    });
    const invalid = await bob.client.request('join', { room: '' }, 'j4');
    expect(invalid.data.code).toBe('VALIDATION_FAILED');
    expect(invalid.data.details[0].field).toBe('room');

    expect([...registry.roomsOf(alice.connectionId)].sort()).toEqual([
      'public:lobby',
      'user:alice',
    ]);
    expect(registry.membersOf('user:alice').size).toBe(1);

    await bob.client.request('join', { room: 'public:lobby' });
    expect(publisher.toRoom('public:lobby', 'room-message', { text: 'hi' })).toBe(2);
    await alice.client.next('room-message');
    await bob.client.next('room-message');

    expect(await alice.client.request('leave', { room: 'public:lobby' }, 'l1')).toEqual({
      type: 'leave',
      data: { room: 'public:lobby' },
      replyTo: 'l1',
    });
    expect(publisher.toRoom('public:lobby', 'room-message', {})).toBe(1);
  });

  it('forgets everything of a connection when it closes, deleting empty sets', async () => {
    const alice = await connect('alice');
    await alice.client.request('join', { room: 'public:lobby' });
    expect(registry.roomCount).toBe(1);
    const closedOnServer = new Promise<void>((resolve) => {
      registry.get(alice.connectionId)!.socket.once('close', () => resolve());
    });
    await alice.client.close();
    await closedOnServer;
    expect(registry.size).toBe(0);
    expect(registry.isOnline('alice')).toBe(false);
    expect(registry.roomCount).toBe(0);
    expect(registry.userCount).toBe(0);
    expect(registry.roomsOf(alice.connectionId).size).toBe(0);
  });

  it('closes a slow consumer with 4008 while the other clients keep receiving', async () => {
    const slow = await connect('slow');
    const fast = await connect('fast');
    await slow.client.request('join', { room: 'public:feed' });
    await fast.client.request('join', { room: 'public:feed' });
    slow.client.socket.pause();

    const chunk = 'x'.repeat(64 * 1024);
    // Paced by the fast client's reads: it drains while the paused one fills its buffers.
    let pushed = 0;
    while (registry.isOnline('slow') && pushed < 2000) {
      expect(publisher.toRoom('public:feed', 'feed', { i: pushed, chunk })).toBeGreaterThanOrEqual(
        1,
      );
      expect((await fast.client.next('feed')).data.i).toBe(pushed);
      pushed++;
    }
    expect(registry.isOnline('slow')).toBe(false);
    expect(registry.membersOf('public:feed').size).toBe(1);
    expect(publisher.toRoom('public:feed', 'feed', { i: pushed, chunk: '' })).toBe(1);
    expect((await fast.client.next('feed')).data.i).toBe(pushed);

    slow.client.socket.resume();
    const closed = await slow.client.closed;
    expect(closed).toEqual({ code: RealtimeCloseCode.SLOW_CONSUMER, reason: 'slow consumer' });
  });
});
