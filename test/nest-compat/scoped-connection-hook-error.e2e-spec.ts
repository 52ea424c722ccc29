// Ported from nestjs/nest integration/websockets/e2e/scoped-connection-hook-error.spec.ts (MIT,
// see README.md).
import { Inject, Injectable, Scope, type INestApplication } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { WebSocketGateway, WsException } from '@nestjs/websockets';
import { WsTestClient } from '../support/ws-test-client';
import { createNestApp, expectRefusedByTheHook, gatewayUrl } from './nest-compat.app';

@Injectable({ scope: Scope.REQUEST })
class ConnectionState {
  constructor(@Inject(REQUEST) readonly client: object) {}
}

@WebSocketGateway()
class RejectingGateway {
  constructor(@Inject(ConnectionState) readonly state: ConnectionState) {}

  handleConnection(): void {
    throw new WsException('Unauthorized');
  }
}

describe('WebSocketGateway request scope - connection hook errors', () => {
  let app: INestApplication | undefined;
  let ws: WsTestClient | undefined;

  afterEach(async () => {
    await ws?.close();
    await app?.close();
    ws = undefined;
    app = undefined;
  });

  it('should send the exception to a ws client', async () => {
    app = await createNestApp([ConnectionState, RejectingGateway]);

    ws = await WsTestClient.open(await gatewayUrl(app));

    await expectRefusedByTheHook(ws);
  });
});
