import {
  ConnectionRegistry,
  RealtimeErrorCode,
  RealtimeException,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import * as messages from '../libs/realtime/src/realtime.messages';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { closeAll, WsTestClient, type Frame } from './support/ws-test-client';

/** The default of `maxRoomsPerConnection`, as documented. */
const DEFAULT_MAX_ROOMS = 100;

describe('Rooms per connection (library)', () => {
  let server: LibraryTestApp | undefined;
  const clients: WsTestClient[] = [];

  async function start(options: RealtimeModuleOptions = {}): Promise<LibraryTestApp> {
    server = await startLibraryTestApp({
      authorizeRoom: () => true,
      // Many joins in a row are the point here, not the rate limit.
      rateLimit: { messagesPerSecond: 10_000, burst: 10_000 },
      ...options,
    });
    return server;
  }

  async function connect(userId: string): Promise<{ client: WsTestClient; id: string }> {
    const { client, connected } = await WsTestClient.connect(
      server!.url,
      bearer(server!.token(userId)),
    );
    clients.push(client);
    return { client, id: connected.data.connectionId as string };
  }

  /** Sends every join at once, then collects the answers in order. */
  async function joinAll(client: WsTestClient, rooms: string[]): Promise<Frame[]> {
    rooms.forEach((room, i) => client.send({ type: 'join', data: { room }, id: `j-${room}-${i}` }));
    return Promise.all(rooms.map((room, i) => client.reply(`j-${room}-${i}`)));
  }

  /** `join` for an accepted join, the error code for a refused one. */
  const outcomes = (answers: Frame[]): unknown[] =>
    answers.map((answer): unknown => (answer.type === 'error' ? answer.data.code : answer.type));
  const accepted = (count: number): string[] => Array<string>(count).fill('join');
  const refused = (count: number): string[] =>
    Array<string>(count).fill(RealtimeErrorCode.TOO_MANY_ROOMS);

  const tooMany = (max: number, replyTo: string): Frame => ({
    type: 'error',
    data: { code: RealtimeErrorCode.TOO_MANY_ROOMS, message: messages.tooManyRooms(max) },
    replyTo,
  });

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await server?.close();
    server = undefined;
  });

  it('refuses joins past maxRoomsPerConnection with TOO_MANY_ROOMS and keeps the connection', async () => {
    await start({ maxRoomsPerConnection: 3 });
    const registry = server!.app.get(ConnectionRegistry);
    const { client, id } = await connect('alice');
    const rooms = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];

    const answers = await joinAll(client, rooms);

    expect(outcomes(answers)).toEqual([...accepted(3), ...refused(5)]);
    expect(answers[3]).toEqual(tooMany(3, 'j-r3-3'));
    expect([...registry.roomsOf(id)].sort()).toEqual(['r0', 'r1', 'r2']);
    expect(registry.membersOf('r3').size).toBe(0);
    expect(registry.roomCount).toBe(3);
    expect(await client.request('ping')).toMatchObject({ type: 'pong' });
  });

  it('counts a room once however often it is joined, and frees a slot on leave', async () => {
    await start({ maxRoomsPerConnection: 2 });
    const registry = server!.app.get(ConnectionRegistry);
    const { client, id } = await connect('alice');
    await joinAll(client, ['a', 'b']);

    expect((await client.request('join', { room: 'a' })).type).toBe('join');
    expect(outcomes([await client.request('join', { room: 'c' })])).toEqual(refused(1));
    expect((await client.request('leave', { room: 'a' })).type).toBe('leave');
    expect((await client.request('join', { room: 'c' })).type).toBe('join');
    expect([...registry.roomsOf(id)].sort()).toEqual(['b', 'c']);
  });

  it('caps each connection on its own, not the user', async () => {
    await start({ maxRoomsPerConnection: 2 });
    const phone = await connect('alice');
    const laptop = await connect('alice');

    await joinAll(phone.client, ['a', 'b']);
    const answers = await joinAll(laptop.client, ['c', 'd']);

    expect(outcomes(answers)).toEqual(accepted(2));
  });

  it(`holds the default of ${DEFAULT_MAX_ROOMS} rooms`, async () => {
    await start();
    const registry = server!.app.get(ConnectionRegistry);
    const { client, id } = await connect('alice');
    const rooms = Array.from({ length: DEFAULT_MAX_ROOMS + 5 }, (_, i) => `public:${i}`);

    const answers = await joinAll(client, rooms);

    expect(outcomes(answers)).toEqual([...accepted(DEFAULT_MAX_ROOMS), ...refused(5)]);
    expect(answers[DEFAULT_MAX_ROOMS]).toEqual(
      tooMany(DEFAULT_MAX_ROOMS, `j-public:${DEFAULT_MAX_ROOMS}-${DEFAULT_MAX_ROOMS}`),
    );
    expect(registry.roomsOf(id).size).toBe(DEFAULT_MAX_ROOMS);
  });

  it('refuses a server-side join past the cap with a RealtimeException', async () => {
    await start({ maxRoomsPerConnection: 1 });
    const registry = server!.app.get(ConnectionRegistry);
    const { id } = await connect('alice');
    expect(registry.join(id, 'first')).toBe(true);
    expect(registry.join(id, 'first')).toBe(true);

    let thrown: unknown;
    try {
      registry.join(id, 'second');
    } catch (error) {
      thrown = error;
    }

    expect(registry.roomsOf(id).size).toBe(1);
    expect(thrown).toBeInstanceOf(RealtimeException);
    expect((thrown as RealtimeException).toFrameData()).toEqual({
      code: RealtimeErrorCode.TOO_MANY_ROOMS,
      message: messages.tooManyRooms(1),
    });
  });
});
