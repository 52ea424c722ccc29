// Ported from nestjs/nest integration/websockets/e2e/ws-error-gateway.spec.ts (MIT, see README.md).
import type { INestApplication } from '@nestjs/common';
import { freePort } from '../support/free-port';
import { WsTestClient } from '../support/ws-test-client';
import { wsErrorGateway } from './gateways/ws-error.gateway';
import { createNestApp, gatewayUrl } from './nest-compat.app';

describe('WebSocketGateway (WsAdapter) - Error Handling', () => {
  let app: INestApplication | undefined;
  let ws: WsTestClient | undefined;

  afterEach(async () => {
    await ws?.close();
    await app?.close();
    ws = undefined;
    app = undefined;
  });

  it('should send WsException error to client via native WebSocket', async () => {
    const port = await freePort();
    app = await createNestApp([wsErrorGateway(port)]);

    ws = await WsTestClient.open(await gatewayUrl(app, port));
    ws.send({ event: 'push', data: { test: 'test' } });

    expect(await ws.next()).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        message: 'test',
        cause: { pattern: 'push', data: { test: 'test' } },
      },
    });
  });
});
