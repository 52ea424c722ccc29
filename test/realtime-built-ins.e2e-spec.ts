import type { INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage } from '@nestjs/websockets';
import {
  ConnectionRegistry,
  HandshakeGuards,
  RealtimeGateway,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import * as messages from '../libs/realtime/src/realtime.messages';
import { bearer, startGatewayApp, TestJwtGuard } from './support/library-test-app';
import { WsTestClient } from './support/ws-test-client';

/** Rooms of the app's own: it handles `join` itself. */
@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
class OwnRoomsGateway {
  @SubscribeMessage('join')
  join(@MessageBody() data: unknown): { joinedByTheApp: unknown } {
    return { joinedByTheApp: data };
  }
}

describe('Built-in message types switched off (library)', () => {
  let app: INestApplication | undefined;
  const clients: WsTestClient[] = [];

  async function start(options: RealtimeModuleOptions): Promise<{ url: string; token: string }> {
    const started = await startGatewayApp([OwnRoomsGateway], options);
    app = started.app;
    return { url: started.url, token: started.token('rita') };
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await app?.close();
    app = undefined;
  });

  it('a gateway handles join once the app switches the built-in off; leave, off without a handler, is UNKNOWN_TYPE', async () => {
    const { url, token } = await start({ builtInMessages: { join: false, leave: false } });
    const { client } = await WsTestClient.connect(url, bearer(token));
    clients.push(client);

    const joined = await client.request('join', { room: 'lobby' });
    expect(joined).toMatchObject({ type: 'join', data: { joinedByTheApp: { room: 'lobby' } } });
    // The module's rooms were not touched.
    expect(app!.get(ConnectionRegistry).membersOf('lobby').size).toBe(0);

    const left = await client.request('leave', { room: 'lobby' });
    expect(left).toMatchObject({ type: 'error', data: { code: 'UNKNOWN_TYPE' } });
    // The others are still the module's.
    expect((await client.request('ping')).type).toBe('pong');
  });

  it('with the built-in on, a gateway that declares it is refused at boot, saying how to switch it off', async () => {
    await expect(start({})).rejects.toThrow(
      messages.reservedMessageType('OwnRoomsGateway', 'join'),
    );
  });
});
