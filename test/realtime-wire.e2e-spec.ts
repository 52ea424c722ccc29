import { constants, inflateRawSync } from 'node:zlib';
import { ConnectionRegistry, RealtimePublisher } from '@nest-realtime/core';
import { bearer, startLibraryTestApp, type LibraryTestApp } from './support/library-test-app';
import { RawFrameClient } from './support/raw-frame-client';
import { closeAll, WsTestClient } from './support/ws-test-client';

/** Decompresses a permessage-deflate message (RFC 7692 §7.2.2: the stripped tail is re-added). */
function inflate(payload: Buffer): string {
  const tail = Buffer.from([0x00, 0x00, 0xff, 0xff]);
  return inflateRawSync(Buffer.concat([payload, tail]), {
    finishFlush: constants.Z_SYNC_FLUSH,
  }).toString();
}

describe('Pushed frames on the wire (library)', () => {
  let server: LibraryTestApp | undefined;
  const clients: WsTestClient[] = [];
  let raw: RawFrameClient | undefined;

  afterEach(async () => {
    raw?.close();
    raw = undefined;
    await closeAll(clients.splice(0));
    await server?.close();
    server = undefined;
  });

  async function connect(app: LibraryTestApp, userId: string) {
    const { client, connected } = await WsTestClient.connect(app.url, bearer(app.token(userId)));
    clients.push(client);
    return { client, connectionId: connected.data.connectionId as string };
  }

  it('writes prebuilt frames of every length class that real clients decode intact', async () => {
    server = await startLibraryTestApp();
    const publisher = server.app.get(RealtimePublisher);
    const a = await connect(server, 'a');
    const b = await connect(server, 'b');
    // The fast path is what is under test: a ws upgrade that hid its internals would make this
    // suite pass on the fallback alone.
    expect(server.app.get(ConnectionRegistry).get(a.connectionId)?.directWrite).toBe(true);

    // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 §5.2), and the edges between them.
    const texts = ['', 'x'.repeat(100), 'y'.repeat(126), 'z'.repeat(65_600), 'w'.repeat(200_000)];
    for (const text of texts) expect(publisher.toAll('sized', { text })).toBe(2);
    for (const { client } of [a, b]) {
      for (const text of texts) expect((await client.next('sized')).data).toEqual({ text });
    }
  });

  it('never compresses a frame under the threshold, and compresses one over it', async () => {
    server = await startLibraryTestApp({ compression: { thresholdBytes: 256 } });
    const publisher = server.app.get(RealtimePublisher);
    raw = await RawFrameClient.open(server.url, { authorization: `Bearer ${server.token('c')}` });
    const connected = await raw.next();
    expect(connected.rsv1).toBe(false);
    expect(JSON.parse(connected.payload.toString())).toMatchObject({ type: 'connected' });

    expect(publisher.toUser('c', 'small', { n: 1 })).toBe(1);
    expect(publisher.toUser('c', 'big', { text: 'q'.repeat(1000) })).toBe(1);
    expect(publisher.toUser('c', 'small', { n: 2 })).toBe(1);

    const first = await raw.next();
    expect(first.rsv1).toBe(false);
    expect(JSON.parse(first.payload.toString())).toEqual({ type: 'small', data: { n: 1 } });
    const second = await raw.next();
    expect(second.rsv1).toBe(true);
    expect(JSON.parse(inflate(second.payload))).toEqual({
      type: 'big',
      data: { text: 'q'.repeat(1000) },
    });
    const third = await raw.next();
    expect(third.rsv1).toBe(false);
    expect(JSON.parse(third.payload.toString())).toEqual({ type: 'small', data: { n: 2 } });
  });

  it('keeps a push behind a frame ws is still compressing', async () => {
    server = await startLibraryTestApp({ compression: { thresholdBytes: 256 } });
    const publisher = server.app.get(RealtimePublisher);
    const { client, connectionId } = await connect(server, 'd');
    // Compression runs on zlib's thread pool, so the big frame is still in flight when the small
    // one is pushed in the same tick; written straight to the socket it would overtake.
    for (let i = 0; i < 20; i++) {
      publisher.toConnection(connectionId, 'big', { i, text: `${i}`.repeat(20_000) });
      publisher.toConnection(connectionId, 'small', { i });
    }
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      const frame = await client.next();
      order.push(`${frame.type}:${(frame.data as { i: number }).i}`);
    }
    const expected = Array.from({ length: 20 }, (_, i) => [`big:${i}`, `small:${i}`]).flat();
    expect(order).toEqual(expected);
  });
});
