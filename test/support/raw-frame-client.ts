import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A server frame exactly as it came over TCP. */
export interface RawFrame {
  fin: boolean;
  /** Set on the first frame of a permessage-deflate compressed message. */
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client written on a bare TCP socket, for tests that must see frame bits a real
 * client hides (RSV1, i.e. whether a frame was compressed). It only reads.
 */
export class RawFrameClient {
  private buffer = Buffer.alloc(0);
  private readonly frames: RawFrame[] = [];
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {}

  /** Opens `url` with `headers`, offering permessage-deflate; rejects unless the answer is 101. */
  static open(url: string, headers: Record<string, string>): Promise<RawFrameClient> {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = connect(Number(port), hostname);
    const client = new RawFrameClient(socket);
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString().split('\r\n')[0];
        if (!status.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`handshake refused: ${status}`));
          return;
        }
        socket.on('data', (more: Buffer) => client.feed(more));
        client.feed(head.subarray(end + 4));
        resolve(client);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      const lines = [
        `GET ${pathname}${search} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Extensions: permessage-deflate',
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  /** The next frame, waiting for it up to `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.frames.shift()!;
  }

  close(): void {
    this.socket.destroy();
  }

  private feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) break;
      const first = this.buffer[0];
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) break;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) break;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) break;
      this.frames.push({
        fin: (first & 0x80) !== 0,
        rsv1: (first & 0x40) !== 0,
        opcode: first & 0x0f,
        payload: this.buffer.subarray(offset, offset + length),
      });
      this.buffer = this.buffer.subarray(offset + length);
    }
    this.waiter?.();
    this.waiter = undefined;
  }
}
