import type { Writable } from 'node:stream';
import * as ws from 'ws';
import { encodeTextFrame, encodeTextFrameFromString } from './websocket-frame';

/** ws's frame parser: exported at runtime, missing from its typings. */
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => Writable;
};

/** Decodes frames with ws's own client-side parser, the one real clients run. */
function decode(frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      isBinary ? reject(new Error('binary frame')) : resolve(data.toString()),
    );
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('encodeTextFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 300_000])(
    'frames a %i-byte payload as one final text frame',
    async (length) => {
      const text = 'a'.repeat(length);
      const frame = encodeTextFrame(Buffer.from(text));
      expect(frame[0]).toBe(0x81);
      expect(frame.length).toBe(length + (length < 126 ? 2 : length < 65_536 ? 4 : 10));
      await expect(decode(frame)).resolves.toBe(text);
    },
  );
});

describe('encodeTextFrameFromString', () => {
  it.each([
    ['ascii', '{"type":"a"}'],
    ['multi-byte', `{"type":"é","data":"${'ü€😀'.repeat(40)}"}`],
    ['16-bit length in bytes, not characters', '€'.repeat(50)],
    ['64-bit length', 'x'.repeat(70_000)],
  ])('encodes %s text in place behind the header', async (_name, text) => {
    const { frame, payload } = encodeTextFrameFromString(text);
    expect(payload.equals(Buffer.from(text))).toBe(true);
    expect(frame.equals(encodeTextFrame(Buffer.from(text)))).toBe(true);
    await expect(decode(frame)).resolves.toBe(text);
  });
});
