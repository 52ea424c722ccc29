import { Module, type INestApplication, type Type } from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  CurrentConnection,
  HandshakeGuards,
  PublicGateway,
  RealtimeCloseCode,
  RealtimeConnection,
  RealtimeGateway,
  RealtimeModule,
  RealtimePublisher,
  RealtimeWsAdapter,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { freePort } from './support/free-port';
import { bearer, TEST_SECRET, TestJwtGuard } from './support/library-test-app';
import { closeAll, handshakeStatus, WsTestClient } from './support/ws-test-client';

/** A gateway on a port of its own, and one more on the same path on another port. */
function portGateways(first: number, second: number): Type[] {
  @RealtimeGateway({ port: first, path: '/live' })
  @HandshakeGuards(TestJwtGuard)
  class FirstPortGateway {
    @SubscribeMessage('where')
    where(): string {
      return 'first';
    }
  }

  @WebSocketGateway(second, { path: '/live' })
  @HandshakeGuards(TestJwtGuard)
  class SecondPortGateway {
    @SubscribeMessage('where')
    where(): { event: string; data: string } {
      return { event: 'where', data: 'second' };
    }
  }
  return [FirstPortGateway, SecondPortGateway];
}

/** On the application's own server, as before. */
@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
class HomeGateway {}

/** Open to anyone. */
@WebSocketGateway({ path: '/public' })
@PublicGateway()
class TickerGateway {
  @SubscribeMessage('whoami')
  whoami(@CurrentConnection() connection: RealtimeConnection): string {
    return connection.userId;
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }
}

describe('Gateways on ports of their own, and public gateways (library)', () => {
  let app: INestApplication | undefined;
  const clients: WsTestClient[] = [];

  async function start(
    gateways: Type[],
    options: RealtimeModuleOptions = {},
  ): Promise<{ home: string; token: (userId: string) => string }> {
    @Module({
      imports: [JwtModule.register({ secret: TEST_SECRET }), RealtimeModule.forRoot(options)],
      providers: [TestJwtGuard, ...gateways],
    })
    class PortsTestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [PortsTestModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(new RealtimeWsAdapter(app));
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const jwt = app.get(JwtService);
    return { home: `ws://127.0.0.1:${port}`, token: (userId) => jwt.sign({ sub: userId }) };
  }

  async function open(url: string, token?: string): Promise<WsTestClient> {
    const client = await WsTestClient.open(url, token === undefined ? {} : bearer(token));
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await app?.close();
    app = undefined;
  });

  it('serves a gateway on its own port with the same handshake pipeline, and two gateways on one path when their ports differ', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const { home, token } = await start([...portGateways(first, second), HomeGateway], {
      allowedOrigins: ['https://app.example.com'],
    });
    const live = `ws://127.0.0.1:${first}/live`;

    expect(await handshakeStatus(live)).toBe(401);
    expect(await handshakeStatus(`ws://127.0.0.1:${first}/elsewhere`, bearer(token('ann')))).toBe(
      404,
    );
    expect(
      await handshakeStatus(live, {
        headers: { ...bearer(token('ann')).headers, origin: 'https://evil.example.com' },
      }),
    ).toBe(403);
    // Plain HTTP to a WebSocket-only port.
    const plain = await fetch(`http://127.0.0.1:${first}/live`);
    expect(plain.status).toBe(426);
    await plain.text();

    const a = await open(live, token('ann'));
    await a.next('connected');
    expect(await a.request('where', undefined, 'w1')).toEqual({
      type: 'where',
      data: 'first',
      replyTo: 'w1',
    });
    const b = await open(`ws://127.0.0.1:${second}/live`, token('ann'));
    await b.next('connected');
    expect(await b.request('where', undefined, 'w2')).toEqual({
      type: 'where',
      data: 'second',
      replyTo: 'w2',
    });
    const c = await open(`${home}/ws`, token('ann'));
    await c.next('connected');

    // One registry for every port: a push to the user reaches all three.
    expect(app!.get(RealtimePublisher).toUser('ann', 'hello', 1)).toBe(3);
    for (const client of [a, b, c]) expect(await client.next('hello')).toMatchObject({ data: 1 });
  });

  it('drains connections on its own port at shutdown and closes the port', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const { token } = await start(portGateways(first, second));
    const client = await open(`ws://127.0.0.1:${first}/live`, token('ann'));
    await client.next('connected');

    await app!.close();
    app = undefined;
    expect(await client.closed).toMatchObject({ code: RealtimeCloseCode.GOING_AWAY });
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${first}/live`);
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''));
      socket.once('open', () => {
        socket.terminate();
        resolve('open');
      });
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('a public gateway takes anonymous connections, each a user of its own', async () => {
    const { home } = await start([TickerGateway, HomeGateway], {
      allowedOrigins: ['https://app.example.com'],
    });
    const first = await open(`${home}/public`);
    const second = await open(`${home}/public`);
    const [one, two] = [await first.next('connected'), await second.next('connected')];
    expect(one.data.userId).toMatch(/^anonymous:[0-9a-f-]{36}$/);
    expect(two.data.userId).not.toBe(one.data.userId);
    expect(await first.request('whoami', undefined, 'q')).toMatchObject({
      data: one.data.userId,
    });

    // The other checks still apply: Origin, and the guarded gateway beside it.
    expect(await handshakeStatus(`${home}/public`, { headers: { origin: 'https://x.test' } })).toBe(
      403,
    );
    expect(await handshakeStatus(`${home}/ws`)).toBe(401);
    // Broadcasts and connection-addressed pushes reach anonymous connections.
    const publisher = app!.get(RealtimePublisher);
    expect(publisher.toAll('tick', 1)).toBe(2);
    expect(publisher.toConnection(two.data.connectionId as string, 'only-you', true)).toBe(1);
    expect(await second.next('tick')).toMatchObject({ data: 1 });
    expect(await second.next('only-you')).toMatchObject({ data: true });
    expect(await first.next('tick')).toMatchObject({ data: 1 });
  });
});
