import {
  BINARY_MESSAGE_TYPE,
  RealtimeErrorCode,
  type RealtimeMessageParser,
  type RealtimeWsAdapterOptions,
} from '@nest-realtime/core';
import * as messages from '../libs/realtime/src/realtime.messages';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { WsTestClient } from './support/ws-test-client';

/** `event|id|json`, e.g. `echo|e1|{"text":"hi"}`; an empty id or JSON part is left out. */
const pipeParser: RealtimeMessageParser = (data) => {
  const [type, id, json] = data.toString().split('|', 3);
  return {
    type,
    id: id === '' || id === undefined ? undefined : id,
    data: json === '' || json === undefined ? undefined : (JSON.parse(json) as unknown),
  };
};

/**
 * A parser written against `@nestjs/platform-ws`'s own types (`WsData` in, `{ event, data }` or
 * nothing out): it is accepted as it is, and binary frames reach it as Buffers.
 */
function nestParser(
  data: string | Buffer | ArrayBuffer | Buffer[],
): { event: string; data: unknown } | void {
  if (Buffer.isBuffer(data)) return { event: BINARY_MESSAGE_TYPE, data };
  if (typeof data === 'string') return JSON.parse(data) as { event: string; data: unknown };
}

describe('Message parser (library)', () => {
  let server: LibraryTestApp | undefined;
  let client: WsTestClient | undefined;

  async function start(adapterOptions?: RealtimeWsAdapterOptions): Promise<WsTestClient> {
    server = await startLibraryTestApp(
      { rateLimit: { messagesPerSecond: 1000, burst: 1000 } },
      adapterOptions,
    );
    ({ client } = await WsTestClient.connect(server.url, bearer(server.token('alice'))));
    return client;
  }

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  it('routes messages of another wire format to the gateway handler, replying to its id', async () => {
    const socket = await start({ messageParser: pipeParser });
    socket.sendRaw('echo|e1|{"text":"hi","count":2}');
    expect(await socket.reply('e1')).toEqual({
      type: 'echo',
      data: { text: 'hi', count: 2 },
      replyTo: 'e1',
    });
    socket.sendRaw('ping|p1|');
    expect(await socket.reply('p1')).toEqual({ type: 'pong', replyTo: 'p1' });
  });

  it("takes Nest's { event, data } messages, binary frames included", async () => {
    const socket = await start({ messageParser: nestParser });
    // No id, so no reply: the handler's validation pipe answering proves the message reached it.
    socket.sendRaw(JSON.stringify({ event: 'echo', data: { text: 5 } }));
    expect((await socket.next('error')).data).toMatchObject({
      code: RealtimeErrorCode.VALIDATION_FAILED,
    });
    socket.sendRaw(JSON.stringify({ event: 'ping' }));
    expect(await socket.next('pong')).toEqual({ type: 'pong' });
    socket.sendRaw(Buffer.from([1, 2, 3, 4]), true);
    expect(await socket.next('binary-received')).toMatchObject({ data: { bytes: 4 } });
  });

  it('answers a parser that throws with BAD_JSON and keeps the connection usable', async () => {
    const socket = await start({ messageParser: pipeParser });
    socket.sendRaw('echo|e1|{not json');
    expect(await socket.next('error')).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.BAD_JSON, message: messages.messageParserFailed() },
    });
    socket.sendRaw('echo|e2|{"text":"still here"}');
    expect(await socket.reply('e2')).toMatchObject({ data: { text: 'still here' } });
  });

  it('answers a result that is not a message with BAD_JSON, to its id when it has one', async () => {
    const socket = await start({
      messageParser: (data) => {
        const text = data.toString();
        if (text === 'nothing') return undefined;
        if (text === 'nameless') return { type: '', id: 'n1' };
        return { event: text };
      },
    });
    socket.sendRaw('nothing');
    expect(await socket.next('error')).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.BAD_JSON, message: messages.notAParsedMessage() },
    });
    socket.sendRaw('nameless');
    expect(await socket.reply('n1')).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.BAD_JSON, message: messages.notAParsedMessage() },
      replyTo: 'n1',
    });
    socket.sendRaw('ping');
    expect(await socket.next('pong')).toEqual({ type: 'pong' });
  });

  it('switches parsers on open connections with setMessageParser, and back with undefined', async () => {
    const socket = await start();
    expect(await socket.request('ping', undefined, 'json1')).toEqual({
      type: 'pong',
      replyTo: 'json1',
    });
    server!.adapter.setMessageParser(pipeParser);
    socket.sendRaw('echo|e1|{"text":"piped"}');
    expect(await socket.reply('e1')).toMatchObject({ type: 'echo', data: { text: 'piped' } });
    server!.adapter.setMessageParser(undefined);
    expect(await socket.request('ping', undefined, 'json2')).toEqual({
      type: 'pong',
      replyTo: 'json2',
    });
  });

  it("without a parser, keeps JSON frames: Nest's { event } is not a frame, binary goes to $binary", async () => {
    const socket = await start();
    socket.sendRaw(JSON.stringify({ event: 'ping' }));
    expect(await socket.next('error')).toEqual({
      type: 'error',
      data: { code: RealtimeErrorCode.BAD_JSON, message: messages.notAFrame() },
    });
    socket.sendRaw(Buffer.from([1, 2]), true);
    expect(await socket.next('binary-received')).toMatchObject({ data: { bytes: 2 } });
  });
});
