// Ported from nestjs/nest integration/websockets/e2e/connection-hook-error.spec.ts (MIT, see
// README.md). Only the `ws` client cases: the socket.io client cases are out of scope.
import type { INestApplication, Type } from '@nestjs/common';
import { WebSocketGateway, WsException } from '@nestjs/websockets';
import { WsTestClient } from '../support/ws-test-client';
import { createNestApp, expectRefusedByTheHook, gatewayUrl } from './nest-compat.app';

@WebSocketGateway()
class SyncRejectingGateway {
  handleConnection(): void {
    throw new WsException('Unauthorized');
  }
}

@WebSocketGateway()
class AsyncRejectingGateway {
  async handleConnection(): Promise<void> {
    await Promise.resolve();
    throw new WsException('Unauthorized');
  }
}

describe('WebSocketGateway - connection hook errors', () => {
  let app: INestApplication | undefined;
  let ws: WsTestClient | undefined;

  afterEach(async () => {
    await ws?.close();
    await app?.close();
    ws = undefined;
    app = undefined;
  });

  describe.each<[string, Type]>([
    ['throws', SyncRejectingGateway],
    ['rejects', AsyncRejectingGateway],
  ])('when the hook %s', (_label, gateway) => {
    it('should send the exception to a ws client', async () => {
      app = await createNestApp([gateway]);

      ws = await WsTestClient.open(await gatewayUrl(app));

      await expectRefusedByTheHook(ws);
    });
  });
});
