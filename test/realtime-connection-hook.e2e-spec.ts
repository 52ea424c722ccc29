import type { INestApplication, Type } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import {
  ConnectionRegistry,
  HandshakeGuards,
  RealtimeCloseCode,
  RealtimeGateway,
} from '@nest-realtime/core';
import { bearer, startGatewayApp, TestJwtGuard } from './support/library-test-app';
import { WsTestClient } from './support/ws-test-client';

@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
class ThrowingGateway {
  handleConnection(): void {
    throw new WsException('Unauthorized');
  }
}

@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
class RejectingGateway {
  async handleConnection(): Promise<void> {
    await Promise.resolve();
    throw new Error('secret detail of a failed lookup');
  }
}

@RealtimeGateway()
@HandshakeGuards(TestJwtGuard)
class WelcomingGateway {
  handleConnection(): void {
    // Nothing to refuse.
  }
}

/**
 * A gateway's handleConnection that throws or rejects: Nest calls it inside an RxJS
 * subscription, where either would end the process (an uncaught exception, an unhandled
 * rejection; jest fails the test on both). Here it ends that one connection.
 */
describe('handleConnection errors (library)', () => {
  let app: INestApplication | undefined;
  const clients: WsTestClient[] = [];

  async function start(gateway: Type): Promise<{ url: string; token: string }> {
    const started = await startGatewayApp([gateway]);
    app = started.app;
    return { url: started.url, token: started.token('hooked') };
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await app?.close();
    app = undefined;
  });

  it('a refusal thrown by the hook: an error frame with its message, then 1008, and the registry forgets the connection', async () => {
    const { url, token } = await start(ThrowingGateway);
    const client = await WsTestClient.open(url, bearer(token));
    clients.push(client);

    const error = await client.next('error');
    expect(error.data).toEqual({ code: 'BAD_REQUEST', message: 'Unauthorized' });
    expect(await client.closed).toEqual({
      code: RealtimeCloseCode.POLICY_VIOLATION,
      reason: 'connection refused',
    });
    expect(app!.get(ConnectionRegistry).isOnline('hooked')).toBe(false);
  });

  it('an error the hook rejects with: INTERNAL without its detail, then 1011; the server goes on', async () => {
    const { url, token } = await start(RejectingGateway);
    const client = await WsTestClient.open(url, bearer(token));
    clients.push(client);

    const error = await client.next('error');
    expect(error.data.code).toBe('INTERNAL');
    expect(JSON.stringify(error.data)).not.toContain('secret detail');
    expect((await client.closed).code).toBe(RealtimeCloseCode.INTERNAL_ERROR);
    expect(app!.get(ConnectionRegistry).size).toBe(0);

    // The next client meets the same hook, and the server is still there to refuse it.
    const again = await WsTestClient.open(url, bearer(token));
    clients.push(again);
    expect((await again.closed).code).toBe(RealtimeCloseCode.INTERNAL_ERROR);
  });

  it('a hook that returns normally leaves the connection alone', async () => {
    const { url, token } = await start(WelcomingGateway);
    const { client } = await WsTestClient.connect(url, bearer(token));
    clients.push(client);
    const pong = await client.request('ping');
    expect(pong.type).toBe('pong');
    expect(app!.get(ConnectionRegistry).isOnline('hooked')).toBe(true);
  });
});
