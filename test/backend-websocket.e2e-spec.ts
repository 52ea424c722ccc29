import { RealtimeErrorCode, RealtimePublisher } from '@nest-realtime/core';
import request from 'supertest';
import { WebSocket } from 'ws';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { closeAll, handshakeStatus, WsTestClient } from './support/ws-test-client';

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('Reference backend: WebSocket', () => {
  let backend: BackendTestApp;
  const clients: WsTestClient[] = [];

  async function connect(token: string): Promise<WsTestClient> {
    const { client } = await WsTestClient.connect(backend.wsUrl, bearer(token));
    clients.push(client);
    return client;
  }

  async function ticketFor(token: string): Promise<string> {
    const response = await request(backend.http)
      .post('/auth/ws-ticket')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    return response.body.ticket as string;
  }

  beforeEach(async () => {
    backend = await startBackend();
  });

  afterEach(async () => {
    jest.useRealTimers();
    await closeAll(clients.splice(0));
    await backend.close();
  });

  it('authenticates the handshake with the same JWT guard as REST', async () => {
    const ada = await backend.signUp('ada');
    expect(await handshakeStatus(backend.wsUrl)).toBe(401);
    expect(await handshakeStatus(backend.wsUrl, bearer('not.a.jwt'))).toBe(401);
    const { client, connected } = await WsTestClient.connect(backend.wsUrl, bearer(ada.token));
    clients.push(client);
    expect(connected.data.userId).toBe(ada.id);
    expect((await client.request('whoami', undefined, 'w')).data).toMatchObject({
      userId: ada.id,
      rooms: [],
    });
  });

  it('accepts a one-time ticket exactly once', async () => {
    const ada = await backend.signUp('ada');
    const ticket = await ticketFor(ada.token);
    const { client, connected } = await WsTestClient.connect(`${backend.wsUrl}?ticket=${ticket}`);
    clients.push(client);
    expect(connected.data.userId).toBe(ada.id);
    expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(401);
  });

  it('refuses a ticket after 30 seconds', async () => {
    const ada = await backend.signUp('ada');
    const ticket = await ticketFor(ada.token);
    // Only the clock moves; the server's timers and sockets keep running for real.
    jest.useFakeTimers({
      now: Date.now() + 31_000,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    expect(await handshakeStatus(`${backend.wsUrl}?ticket=${ticket}`)).toBe(401);
  });

  it('applies the room policy: user:<own id> and public:* only', async () => {
    const ada = await backend.signUp('ada');
    const bob = await backend.signUp('bob');
    const client = await connect(ada.token);
    expect((await client.request('join', { room: `user:${ada.id}` })).type).toBe('join');
    expect((await client.request('join', { room: 'public:lobby' })).type).toBe('join');
    expect((await client.request('join', { room: `user:${bob.id}` })).data.code).toBe(
      RealtimeErrorCode.FORBIDDEN,
    );
    expect((await client.request('join', { room: 'staff:ops' })).data.code).toBe(
      RealtimeErrorCode.FORBIDDEN,
    );
    expect((await client.request('whoami')).data.rooms.sort()).toEqual([
      'public:lobby',
      `user:${ada.id}`,
    ]);
  });

  it('refuses binary frames with BINARY_NOT_ACCEPTED and stays open', async () => {
    const ada = await backend.signUp('ada');
    const client = await connect(ada.token);
    client.sendRaw(Buffer.from([0xde, 0xad]), true);
    const error = await client.next('error');
    expect(error.data.code).toBe(RealtimeErrorCode.BINARY_NOT_ACCEPTED);
    expect((await client.request('ping')).type).toBe('pong');
  });

  it('pushes notifications to a user on every device, to rooms and to everyone', async () => {
    const admin = await backend.signUp('admin');
    const ada = await backend.signUp('ada');
    const adaPhone = await connect(ada.token);
    const adaLaptop = await connect(ada.token);
    const adminClient = await connect(admin.token);
    await adminClient.request('join', { room: 'public:ops' });

    const toAda = await request(backend.http)
      .post('/notifications')
      .set('authorization', `Bearer ${admin.token}`)
      .send({ to: { userId: ada.id }, title: 'Hello Ada', body: 'hi', data: { link: '/x' } })
      .expect(201);
    expect(toAda.body.delivered).toBe(2);
    for (const device of [adaPhone, adaLaptop]) {
      expect(await device.next('notification')).toEqual({
        type: 'notification',
        // Durable: the first entry of Ada's delivery log, one log id per recipient.
        seq: 1,
        id: `${toAda.body.id}:${ada.id}`,
        data: {
          id: toAda.body.id,
          title: 'Hello Ada',
          body: 'hi',
          data: { link: '/x' },
          from: admin.id,
          createdAt: expect.any(String),
        },
      });
    }

    const toRoom = await request(backend.http)
      .post('/notifications')
      .set('authorization', `Bearer ${admin.token}`)
      .send({ to: { room: 'public:ops' }, title: 'ops' })
      .expect(201);
    expect(toRoom.body.delivered).toBe(1);
    expect((await adminClient.next('notification')).data.title).toBe('ops');

    const toAll = await request(backend.http)
      .post('/notifications')
      .set('authorization', `Bearer ${admin.token}`)
      .send({ to: { all: true }, title: 'everyone' })
      .expect(201);
    expect(toAll.body.delivered).toBe(3);
  });

  it('works with a plain tutorial-style client: onopen, onmessage, JSON.parse, switch on type', async () => {
    const ada = await backend.signUp('ada');
    const ticket = await ticketFor(ada.token);
    const seen: string[] = [];
    const reminder = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(`${backend.wsUrl}?ticket=${ticket}`);
      ws.onerror = (event) => reject(new Error(event.message));
      ws.onopen = () => seen.push('open');
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data as string) as { type: string; data: unknown };
        switch (message.type) {
          case 'connected':
            seen.push('connected');
            backend.app
              .get(RealtimePublisher)
              .toUser(ada.id, 'schedule-reminder', { id: 'r1', title: 'Drink water' });
            break;
          case 'schedule-reminder':
            seen.push('schedule-reminder');
            ws.onclose = () => resolve(message.data);
            ws.close();
            break;
        }
      };
    });
    expect(seen).toEqual(['open', 'connected', 'schedule-reminder']);
    expect(reminder).toEqual({ id: 'r1', title: 'Drink water' });
  });
});
