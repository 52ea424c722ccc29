import type { INestApplication, Type } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
} from '@nestjs/websockets';
import {
  DurableDelivery,
  HandshakeGuards,
  RealtimeGateway,
  RealtimePublisher,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import { createDeliveryLogTables, KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { concat, EMPTY, finalize, from, interval, map, of, take, throwError } from 'rxjs';
import type { WebSocket } from 'ws';
import { bearer, startGatewayApp, TestJwtGuard } from './support/library-test-app';
import { ScopedEnvironment } from './support/scoped-environment';
import { closeAll, WsTestClient, type Frame } from './support/ws-test-client';

/** Resolves when a handler's endless Observable is unsubscribed (its connection closed). */
let streamEnded: () => void = () => undefined;

/** Handler return values in this module's format. */
@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
class StreamGateway {
  @SubscribeMessage('push')
  push(@MessageBody() data: unknown): { event: string; data: unknown } {
    return { event: 'pop', data };
  }

  @SubscribeMessage('count')
  count(): unknown {
    return from([1, 2, 3]);
  }

  @SubscribeMessage('ticks')
  ticks(): unknown {
    return interval(5).pipe(
      take(3),
      map((tick) => ({ event: 'tick', data: tick })),
    );
  }

  @SubscribeMessage('nothing')
  nothing(): unknown {
    return EMPTY;
  }

  @SubscribeMessage('half')
  half(): unknown {
    return concat(
      of('first'),
      throwError(() => new WsException('broke')),
    );
  }

  @SubscribeMessage('forever')
  forever(): unknown {
    return interval(10).pipe(finalize(() => streamEnded()));
  }
}

/** The same kind of handlers on a plain gateway in Nest's format, beside it in one app. */
@WebSocketGateway({ path: '/nest', wireFormat: 'nest' })
@HandshakeGuards(TestJwtGuard)
class NestFormatGateway {
  @SubscribeMessage('push')
  push(@MessageBody() data: unknown): { event: string; data: unknown } {
    return { event: 'pop', data };
  }

  @SubscribeMessage('count')
  count(): unknown {
    return from([1, null, 2, 3]);
  }

  @SubscribeMessage('refuse')
  refuse(): never {
    throw new WsException('nope');
  }

  @SubscribeMessage('crash')
  crash(): never {
    throw new Error('secret internal detail');
  }

  @SubscribeMessage('mark')
  mark(@ConnectedSocket() socket: WebSocket): string {
    return socket.protocol === '' ? 'plain ws socket' : socket.protocol;
  }
}

/** A realtime-format gateway in Nest's format by the module's choice. */
@RealtimeGateway({ path: '/typed' })
@HandshakeGuards(TestJwtGuard)
class TypedInNestFormatGateway {
  @SubscribeMessage('boom')
  boom(): never {
    throw new WsException({ code: 'CONFLICT', message: 'Taken.', details: { field: 'name' } });
  }
}

describe('Wire formats (library)', () => {
  let app: INestApplication | undefined;
  let environment: ScopedEnvironment | undefined;
  let db: Kysely<unknown> | undefined;
  const clients: WsTestClient[] = [];

  async function start(
    options: RealtimeModuleOptions = {},
    gateways: Type[] = [StreamGateway, NestFormatGateway],
  ): Promise<{ ws: string; nest: string; typed: string; token: (userId: string) => string }> {
    const started = await startGatewayApp(gateways, options);
    app = started.app;
    const base = started.url.replace(/\/ws$/, '');
    return { ws: `${base}/ws`, nest: `${base}/nest`, typed: `${base}/typed`, token: started.token };
  }

  async function open(url: string, token: string): Promise<WsTestClient> {
    const client = await WsTestClient.open(url, bearer(token));
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await app?.close();
    app = undefined;
    await db?.destroy();
    db = undefined;
    environment?.restore();
    environment = undefined;
  });

  describe("this module's format", () => {
    it('a WsResponse keeps the event it names: as the reply with an id, as an event without one', async () => {
      const { ws, token } = await start();
      const client = await open(ws, token('ann'));
      await client.next('connected');

      expect(await client.request('push', { a: 1 }, 'p1')).toEqual({
        type: 'pop',
        data: { a: 1 },
        replyTo: 'p1',
      });
      client.send({ type: 'push', data: { a: 2 } });
      expect(await client.next()).toEqual({ type: 'pop', data: { a: 2 } });
    });

    it('every emission of an Observable is sent in order, the last one as the reply', async () => {
      const { ws, token } = await start();
      const client = await open(ws, token('ann'));
      await client.next('connected');

      client.send({ type: 'count', id: 'c1' });
      const frames = [await client.next(), await client.next(), await client.next()];
      expect(frames).toEqual([
        { type: 'count', data: 1 },
        { type: 'count', data: 2 },
        { type: 'count', data: 3, replyTo: 'c1' },
      ]);

      // Emissions spread over time, as WsResponses: each its own event, the last the reply.
      client.send({ type: 'ticks', id: 't1' });
      const ticks = [await client.next(), await client.next(), await client.next()];
      expect(ticks).toEqual([
        { type: 'tick', data: 0 },
        { type: 'tick', data: 1 },
        { type: 'tick', data: 2, replyTo: 't1' },
      ]);
    });

    it('without an id, WsResponse emissions are sent and plain values are not (nobody asked)', async () => {
      const { ws, token } = await start();
      const client = await open(ws, token('ann'));
      await client.next('connected');

      client.send({ type: 'count' });
      client.send({ type: 'ticks' });
      const ticks = [await client.next(), await client.next(), await client.next()];
      expect(ticks).toEqual([
        { type: 'tick', data: 0 },
        { type: 'tick', data: 1 },
        { type: 'tick', data: 2 },
      ]);
      expect((await client.request('ping')).type).toBe('pong');
      expect(client.pending).toEqual([]);
    });

    it('an Observable that completes empty is an empty reply; one that fails sends what it emitted, then the error', async () => {
      const { ws, token } = await start();
      const client = await open(ws, token('ann'));
      await client.next('connected');

      expect(await client.request('nothing', undefined, 'n1')).toEqual({
        type: 'nothing',
        replyTo: 'n1',
      });
      client.send({ type: 'half', id: 'h1' });
      expect(await client.next()).toEqual({ type: 'half', data: 'first' });
      expect(await client.next()).toEqual({
        type: 'error',
        data: { code: 'BAD_REQUEST', message: 'broke' },
        replyTo: 'h1',
      });
    });

    it("a handler's endless Observable ends when its connection closes", async () => {
      const { ws, token } = await start();
      const client = await open(ws, token('ann'));
      await client.next('connected');
      const ended = new Promise<void>((resolve) => (streamEnded = resolve));

      client.send({ type: 'forever', id: 'f1' });
      // Its first emission is held (the last one is the reply), so the second shows it runs.
      expect(await client.next('forever')).toMatchObject({ data: 0 });
      await client.close();
      await ended;
    });
  });

  describe("Nest's format", () => {
    it('speaks {event, data} both ways, sends no connected frame, and WsResponses arrive as Nest sends them', async () => {
      const { nest, token } = await start();
      const client = await open(nest, token('ann'));

      client.send({ event: 'push', data: { a: 1 } });
      // The first frame the client sees is the answer: nothing unsolicited came before it.
      expect(await client.next()).toEqual({ event: 'pop', data: { a: 1 } });
      client.send({ event: 'mark' });
      expect(await client.next()).toBe('plain ws socket');
    });

    it('every emission that is not null is sent as it is, as @nestjs/platform-ws does', async () => {
      const { nest, token } = await start();
      const client = await open(nest, token('ann'));

      client.send({ event: 'count' });
      expect([await client.next(), await client.next(), await client.next()]).toEqual([1, 2, 3]);
      client.send({ event: 'ping' });
      expect(await client.next()).toEqual({ event: 'pong' });
      expect(client.pending).toEqual([]);
    });

    it('built-ins and pushes have the same keys with event for type; one fan-out reaches both formats', async () => {
      const { ws, nest, token } = await start({ authorizeRoom: () => true });
      const typed = await open(ws, token('ann'));
      await typed.next('connected');
      const plain = await open(nest, token('bob'));

      plain.send({ event: 'join', data: { room: 'lobby' } });
      expect(await plain.next()).toEqual({ event: 'join', data: { room: 'lobby' } });
      expect(await typed.request('join', { room: 'lobby' }, 'j1')).toEqual({
        type: 'join',
        data: { room: 'lobby' },
        replyTo: 'j1',
      });

      const publisher = app!.get(RealtimePublisher);
      expect(publisher.toRoom('lobby', 'news', { headline: 'hi' })).toBe(2);
      expect(await plain.next()).toEqual({ event: 'news', data: { headline: 'hi' } });
      expect(await typed.next()).toEqual({ type: 'news', data: { headline: 'hi' } });
      publisher.toUser('bob', 'direct', 1);
      expect(await plain.next()).toEqual({ event: 'direct', data: 1 });

      plain.send({ event: 'leave', data: { room: 'lobby' } });
      expect(await plain.next()).toEqual({ event: 'leave', data: { room: 'lobby' } });
    });

    it('errors are exception events: Nest filters emit theirs, the module adds its stable code', async () => {
      const { nest, token } = await start();
      const client = await open(nest, token('ann'));

      // Nest's own exception handling (a plain gateway): what its filter emits reaches the client.
      client.send({ event: 'refuse', data: { why: 1 } });
      expect(await client.next()).toEqual({
        event: 'exception',
        data: { status: 'error', message: 'nope', cause: { pattern: 'refuse', data: { why: 1 } } },
      });
      client.send({ event: 'crash' });
      expect(await client.next()).toEqual({
        event: 'exception',
        data: { status: 'error', message: 'Internal server error', cause: { pattern: 'crash' } },
      });

      // The module's own errors.
      client.sendRaw('not json');
      expect(await client.next()).toEqual({
        event: 'exception',
        data: { status: 'error', code: 'BAD_JSON', message: 'Frames must be JSON text.' },
      });
      client.send({ type: 'push', data: {} });
      expect(await client.next()).toMatchObject({
        event: 'exception',
        data: { status: 'error', code: 'BAD_JSON' },
      });
      client.send({ event: 'nope', data: [1] });
      expect(await client.next()).toEqual({
        event: 'exception',
        data: {
          status: 'error',
          code: 'UNKNOWN_TYPE',
          message: 'No handler for message type "nope".',
          cause: { pattern: 'nope', data: [1] },
        },
      });
      client.send({ event: 'join', data: { room: 42 } });
      expect(await client.next()).toMatchObject({
        event: 'exception',
        data: { code: 'VALIDATION_FAILED', cause: { pattern: 'join', data: { room: 42 } } },
      });
    });

    it("a @RealtimeGateway in Nest's format, by the module's option: its errors are exception events with code and details", async () => {
      const { typed, token } = await start({ wireFormat: 'nest' }, [TypedInNestFormatGateway]);
      const client = await open(typed, token('ann'));

      client.send({ event: 'boom', data: 'x' });
      expect(await client.next()).toEqual({
        event: 'exception',
        data: {
          status: 'error',
          code: 'CONFLICT',
          message: 'Taken.',
          details: { field: 'name' },
          cause: { pattern: 'boom', data: 'x' },
        },
      });
    });

    it('the application heartbeat is {event: heartbeat}, answered with {event: pong}', async () => {
      const { nest, token } = await start({ heartbeatFrames: true, heartbeatIntervalMs: 100 });
      const client = await open(nest, token('ann'));

      expect(await client.next()).toEqual({ event: 'heartbeat' });
      client.send({ event: 'pong' });
      expect(await client.next()).toEqual({ event: 'heartbeat' });
      expect(client.pending).toEqual([]);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
    });

    it('durable entries and the resume reply carry event, seq and id', async () => {
      environment = new ScopedEnvironment('wire-formats');
      db = new Kysely<unknown>({
        dialect: new SqliteDialect({
          database: new BetterSqlite3(`${environment.dir}/log.sqlite`),
        }),
      });
      await createDeliveryLogTables(db);
      const { nest, token } = await start({
        deliveryLog: new KyselyDeliveryLogStore(db as never),
      });
      const client = await open(nest, token('ann'));
      const resumed = await client.next();
      expect(resumed).toMatchObject({ event: 'resume', data: { lastSeq: 0 } });

      const [entry] = await app!
        .get(DurableDelivery)
        .deliver([{ userId: 'ann', type: 'schedule-reminder', data: { title: 'Tea' } }]);
      const frame: Frame = await client.next();
      expect(frame).toEqual({
        event: 'schedule-reminder',
        seq: 1,
        id: entry.id,
        data: { title: 'Tea' },
      });
      // An ack is answered only when asked, and Nest's format has no ids: it is silent.
      client.send({ event: 'ack', data: { seq: 1 } });
      client.send({ event: 'ping' });
      expect(await client.next()).toEqual({ event: 'pong' });
    });
  });
});
