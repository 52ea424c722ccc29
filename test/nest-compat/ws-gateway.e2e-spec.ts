// Ported from nestjs/nest integration/websockets/e2e/ws-gateway.spec.ts (MIT, see README.md).
import type { INestApplication } from '@nestjs/common';
import { RealtimeWsAdapter, type RealtimeMessageParser } from '@nest-realtime/core';
import { freePort } from '../support/free-port';
import { closeAll, WsTestClient } from '../support/ws-test-client';
import { applicationGateway } from './gateways/app.gateway';
import { coreGateway } from './gateways/core.gateway';
import { ExamplePathGateway } from './gateways/example-path.gateway';
import { ServerGateway } from './gateways/server.gateway';
import { WsPathGateway } from './gateways/ws-path.gateway';
import { WsPathGateway2 } from './gateways/ws-path2.gateway';
import { createNestApp, gatewayUrl, serverUrl } from './nest-compat.app';

/** Upstream's parser: messages are `[event, data]` arrays. */
const arrayParser: RealtimeMessageParser = (data) => {
  const [event, payload] = JSON.parse(data.toString()) as [string, unknown];
  return { event, data: payload };
};

describe('WebSocketGateway (WsAdapter)', () => {
  let app: INestApplication | undefined;
  const clients: WsTestClient[] = [];

  /** Opens a client (upstream: `new WebSocket(url)` and awaiting `open`). */
  async function connect(url: string): Promise<WsTestClient> {
    const client = await WsTestClient.open(url);
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await closeAll(clients.splice(0));
    await app?.close();
    app = undefined;
  });

  it(`should handle message (2nd port)`, async () => {
    const port = await freePort();
    app = await createNestApp([applicationGateway(port)]);

    const ws = await connect(await gatewayUrl(app, port));
    ws.send({ event: 'push', data: { test: 'test' } });
    expect((await ws.next()).data.test).toBe('test');
  });

  it(`should handle message (http)`, async () => {
    app = await createNestApp([ServerGateway]);

    const ws = await connect(await gatewayUrl(app));
    ws.send({ event: 'push', data: { test: 'test' } });
    expect((await ws.next()).data.test).toBe('test');
  });

  it(`should handle message on a different path`, async () => {
    app = await createNestApp([WsPathGateway]);

    const ws = await connect(await serverUrl(app, '/ws-path'));
    ws.send({ event: 'push', data: { test: 'test' } });
    expect((await ws.next()).data.test).toBe('test');
  });

  it(`should support 2 different gateways running on different paths`, async () => {
    app = await createNestApp([ExamplePathGateway, WsPathGateway2]);

    const ws = await connect(await serverUrl(app, '/example'));
    const ws2 = await connect(await serverUrl(app, '/ws-path'));

    ws.send({ event: 'push', data: { test: 'test' } });
    expect((await ws.next()).data.test).toBe('test');
    ws2.send({ event: 'push', data: { test: 'test' } });
    expect((await ws2.next()).data.test).toBe('test');
  });

  it(`should support 2 different gateways running on the same path (but different ports)`, async () => {
    const [port, port2] = [await freePort(), await freePort()];
    app = await createNestApp([applicationGateway(port), coreGateway(port2)]);

    const ws = await connect(await gatewayUrl(app, port));
    const ws2 = await connect(await gatewayUrl(app, port2));

    ws.send({ event: 'push', data: { test: 'test' } });
    expect((await ws.next()).data.test).toBe('test');
    ws2.send({ event: 'push', data: { test: 'test' } });
    expect((await ws2.next()).data.test).toBe('test');
  });

  it(`should let the execution context have a getPattern() method on getClient()`, async () => {
    const port = await freePort();
    app = await createNestApp([applicationGateway(port)]);

    const ws = await connect(await gatewayUrl(app, port));
    ws.send({ event: 'getClient', data: { test: 'test' } });
    expect((await ws.next()).data.path).toBe('getClient');
  });

  it(`should set messageParser by using setMessageParser method`, async () => {
    const port = await freePort();
    app = await createNestApp([applicationGateway(port)], (nestApp) => {
      const adapter = new RealtimeWsAdapter(nestApp);
      adapter.setMessageParser(arrayParser);
      return adapter;
    });

    const ws = await connect(await gatewayUrl(app, port));
    ws.sendRaw(JSON.stringify(['push', { test: 'test' }]));
    expect((await ws.next()).data.test).toBe('test');
  });

  it(`should set messageParser by using constructor options`, async () => {
    const port = await freePort();
    app = await createNestApp(
      [applicationGateway(port)],
      (nestApp) => new RealtimeWsAdapter(nestApp, { messageParser: arrayParser }),
    );

    const ws = await connect(await gatewayUrl(app, port));
    ws.sendRaw(JSON.stringify(['push', { test: 'test' }]));
    expect((await ws.next()).data.test).toBe('test');
  });
});
