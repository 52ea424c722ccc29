import { RealtimeCloseCode, RealtimeErrorCode } from '@nest-realtime/core';
import * as messages from '../libs/realtime/src/realtime.messages';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { WsTestClient } from './support/ws-test-client';

describe('Messaging protocol (library)', () => {
  let server: LibraryTestApp;
  let client: WsTestClient;

  beforeEach(async () => {
    server = await startLibraryTestApp({ rateLimit: { messagesPerSecond: 1000, burst: 1000 } });
    ({ client } = await WsTestClient.connect(server.url, bearer(server.token('alice'))));
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('greets with connected, carrying the connection id, user id and heartbeat interval', async () => {
    const { client: second, connected } = await WsTestClient.connect(
      server.url,
      bearer(server.token('bob')),
    );
    expect(connected.data).toEqual({
      connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: 'bob',
      heartbeatIntervalMs: 30000,
    });
    await second.close();
  });

  it('answers ping with pong, echoing the id as replyTo', async () => {
    client.send({ type: 'ping' });
    expect(await client.next('pong')).toEqual({ type: 'pong' });
    expect(await client.request('ping', undefined, 'p1')).toEqual({ type: 'pong', replyTo: 'p1' });
  });

  it('routes to the handler and replies with its return value and replyTo', async () => {
    const reply = await client.request('echo', { text: 'hi', count: 2 }, 'e1');
    expect(reply).toEqual({ type: 'echo', data: { text: 'hi', count: 2 }, replyTo: 'e1' });
    const who = await client.request('whoami', undefined, 'w1');
    expect(who.data.userId).toBe('alice');
  });

  it('does not reply to a request without id', async () => {
    client.send({ type: 'echo', data: { text: 'fire and forget' } });
    // The pong proves the server handled the echo first (frames are handled in order) and sent nothing for it.
    expect(await client.request('ping', undefined, 'after')).toEqual({
      type: 'pong',
      replyTo: 'after',
    });
    expect(client.pending).toEqual([]);
  });

  it.each([
    ['not JSON', 'this is not json', messages.notJson(), undefined],
    ['an array', '[1,2]', messages.notAFrame(), undefined],
    ['without type', '{"data":1,"id":"b1"}', messages.notAFrame(), 'b1'],
    ['with a numeric type', '{"type":5}', messages.notAFrame(), undefined],
    ['with a non-string id', '{"type":"echo","id":7}', messages.notAFrame(), undefined],
  ])('answers a frame %s with BAD_JSON and stays open', async (_name, raw, message, replyTo) => {
    client.sendRaw(raw);
    const error = await client.next('error');
    expect(error.data).toEqual({ code: RealtimeErrorCode.BAD_JSON, message });
    expect(error.replyTo).toBe(replyTo);
    expect(await client.request('ping')).toMatchObject({ type: 'pong' });
  });

  it('answers an unknown type with UNKNOWN_TYPE and its replyTo', async () => {
    const error = await client.request('nope', {}, 'u1');
    expect(error).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.UNKNOWN_TYPE, message: messages.unknownType('nope') },
      replyTo: 'u1',
    });
  });

  it('answers invalid data with VALIDATION_FAILED listing each field and its constraints', async () => {
    const error = await client.request('echo', { text: 42, count: -1, extra: true }, 'v1');
    expect(error.type).toBe('error');
    expect(error.replyTo).toBe('v1');
    expect(error.data.code).toBe(RealtimeErrorCode.VALIDATION_FAILED);
    const fields = Object.fromEntries(
      (error.data.details as { field: string; constraints: Record<string, string> }[]).map((d) => [
        d.field,
        Object.keys(d.constraints).sort(),
      ]),
    );
    expect(fields).toEqual({
      text: ['isString', 'maxLength'],
      count: ['min'],
      extra: ['whitelistValidation'],
    });
  });

  it('answers missing data with VALIDATION_FAILED', async () => {
    const error = await client.request('echo', undefined, 'v2');
    expect(error.data.code).toBe(RealtimeErrorCode.VALIDATION_FAILED);
  });

  it('answers a refused message guard with FORBIDDEN', async () => {
    const error = await client.request('guarded', {}, 'g1');
    expect(error).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.FORBIDDEN, message: messages.forbidden() },
      replyTo: 'g1',
    });
  });

  it('answers a handler crash with a generic INTERNAL and keeps the connection', async () => {
    const error = await client.request('boom', {}, 'x1');
    expect(error).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.INTERNAL, message: messages.internalError() },
      replyTo: 'x1',
    });
    expect(JSON.stringify(error)).not.toContain('secret internal detail');
    expect(await client.request('ping')).toMatchObject({ type: 'pong' });
  });

  it('passes a RealtimeException through with its own code', async () => {
    const error = await client.request('not-found', {}, 'n1');
    expect(error.data).toEqual({ code: RealtimeErrorCode.NOT_FOUND, message: 'No such thing.' });
  });

  it('hands binary frames to the handler that opted in', async () => {
    client.sendRaw(Buffer.from([1, 2, 3, 4]), true);
    expect(await client.next('binary-received')).toEqual({
      type: 'binary-received',
      data: { bytes: 4 },
    });
  });
});

describe('Abuse limits (library)', () => {
  let server: LibraryTestApp | undefined;
  const clients: WsTestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
  });

  it('answers RATE_LIMITED with retryAfterMs, then closes with 1008 after repeated violations', async () => {
    server = await startLibraryTestApp({
      rateLimit: { messagesPerSecond: 1, burst: 2, maxViolations: 3 },
    });
    const { client } = await WsTestClient.connect(server.url, bearer(server.token('spammer')));
    clients.push(client);
    for (let i = 0; i < 5; i++) client.send({ type: 'ping', id: `p${i}` });
    expect(await client.reply('p0')).toEqual({ type: 'pong', replyTo: 'p0' });
    expect(await client.reply('p1')).toEqual({ type: 'pong', replyTo: 'p1' });
    const limited = await client.reply('p2');
    expect(limited.type).toBe('error');
    expect(limited.data.code).toBe(RealtimeErrorCode.RATE_LIMITED);
    expect(limited.data.details.retryAfterMs).toBeGreaterThan(0);
    expect(limited.data.details.retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await client.reply('p3')).data.code).toBe(RealtimeErrorCode.RATE_LIMITED);
    const closed = await client.closed;
    expect(closed).toEqual({
      code: RealtimeCloseCode.POLICY_VIOLATION,
      reason: 'rate limit exceeded',
    });
  });

  it('closes with 1009 on a frame over maxPayloadBytes', async () => {
    server = await startLibraryTestApp({ maxPayloadBytes: 1024 });
    const { client } = await WsTestClient.connect(server.url, bearer(server.token('big')));
    clients.push(client);
    client.send({ type: 'echo', data: { text: 'x'.repeat(2000) } });
    expect((await client.closed).code).toBe(RealtimeCloseCode.MESSAGE_TOO_BIG);
  });
});

describe('Compression (library)', () => {
  let server: LibraryTestApp | undefined;
  let client: WsTestClient | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.close();
  });

  it('is off by default', async () => {
    server = await startLibraryTestApp();
    ({ client } = await WsTestClient.connect(server.url, bearer(server.token('a'))));
    expect(client.socket.extensions).toBe('');
  });

  it('negotiates permessage-deflate when enabled and still delivers frames', async () => {
    server = await startLibraryTestApp({ compression: { thresholdBytes: 256 } });
    ({ client } = await WsTestClient.connect(server.url, bearer(server.token('a'))));
    expect(client.socket.extensions).toContain('permessage-deflate');
    const text = 'y'.repeat(5000);
    expect(
      (await client.request('echo', { text: text.slice(0, 100) }, 'c1')).data.text,
    ).toHaveLength(100);
  });
});
