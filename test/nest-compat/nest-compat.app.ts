import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  RealtimeCloseCode,
  RealtimeCloseReason,
  RealtimeErrorCode,
  RealtimeModule,
  RealtimeWsAdapter,
} from '@nest-realtime/core';
import type { WsTestClient } from '../support/ws-test-client';

/**
 * The module import of the port: Nest's wire format, gateways without a path of their own on `/`
 * (where `@nestjs/platform-ws` serves them; the module's default is `/ws`), and gateways without
 * handshake guards accepted as public (the module refuses them otherwise: secure by default).
 */
export const nestCompatModule = () =>
  RealtimeModule.forRoot({ wireFormat: 'nest', path: '/', publicGateways: true });

/**
 * Upstream's `createNestApp`: a testing module with the gateways, the adapter swapped for
 * `RealtimeWsAdapter`, and the HTTP server on a free port instead of 3000.
 */
export async function createNestApp(
  gateways: Type[],
  adapter: (app: INestApplication) => RealtimeWsAdapter = (app) => new RealtimeWsAdapter(app),
): Promise<INestApplication> {
  const testingModule = await Test.createTestingModule({
    imports: [nestCompatModule()],
    providers: gateways,
  }).compile();
  const app = testingModule.createNestApplication({ logger: false });
  app.useWebSocketAdapter(adapter(app));
  await app.listen(0);
  return app;
}

/**
 * The WebSocket URL of a gateway without a path of its own: on the application's server, or on
 * `port` for a gateway with a port of its own.
 */
export async function gatewayUrl(app: INestApplication, port?: number): Promise<string> {
  return serverUrl(app, '/', port);
}

/** The WebSocket URL of `path` on the application's server (or on `port`). */
export async function serverUrl(
  app: INestApplication,
  path: string,
  port?: number,
): Promise<string> {
  if (port !== undefined) return `ws://127.0.0.1:${port}${path}`;
  const url = new URL(await app.getUrl());
  return `ws://127.0.0.1:${url.port}${path}`;
}

/**
 * What upstream's hook specs expect a ws client to get from a `handleConnection` that throws
 * `WsException('Unauthorized')`: the exception event (upstream's payload plus this module's
 * stable `code`); then, stricter by design, the refused connection is closed (upstream leaves it
 * open).
 */
export async function expectRefusedByTheHook(ws: WsTestClient): Promise<void> {
  expect(await ws.next()).toEqual({
    event: 'exception',
    data: {
      status: 'error',
      message: 'Unauthorized',
      code: RealtimeErrorCode.BAD_REQUEST,
      cause: { pattern: 'handleConnection' },
    },
  });
  expect(await ws.closed).toEqual({
    code: RealtimeCloseCode.POLICY_VIOLATION,
    reason: RealtimeCloseReason.CONNECTION_REFUSED,
  });
}
