import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { connect as tcpConnect } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { BENCH_KEY, monotonicMs, PUSH_TYPE } from '../lib/payload';
import { serveRpc } from '../lib/rpc';

/** Load generator: many client connections, counting and timing what they receive. */
const [kind, url] = [process.argv[2], process.argv[3]];
const isSocketIo = kind === 'socketio';
/** Servers with a delivery log: clients parse every frame, dedupe by seq and ack. */
const isDurable = kind.startsWith('ours-');
const jwt = new JwtService({ secret: BENCH_KEY });
const tokens = new Map<string, string>();
const open: (WebSocket | Socket)[] = [];
let received = 0;
/** Pushes received by each connection, in the order they were opened (for exact checks). */
const perConnection: number[] = [];
let sampling = false;
let latencies: number[] = [];
let waiter: { total: number; resolve: () => void } | undefined;

/** A durable client's position: the last seq received. */
interface Cursor {
  received: number;
}
const cursors = new Map<WebSocket, Cursor>();
const unacked = new Set<WebSocket>();
let flushing = false;
const serverErrors: string[] = [];
/** Reminder lateness: receipt − dueAt here, and firedAt − dueAt as the server wrote it (ms). */
let lateness: { received: number[]; fired: number[] } | undefined;

function tokenFor(userId: string): string {
  let token = tokens.get(userId);
  if (token === undefined)
    tokens.set(userId, (token = jwt.sign({ sub: userId }, { expiresIn: 3600 })));
  return token;
}

function onPush(index: number, text: string | undefined): void {
  received++;
  perConnection[index]++;
  if (sampling && text !== undefined) {
    const frame = JSON.parse(text) as { type: string; data: { sentAt: number } };
    if (frame.type === PUSH_TYPE) latencies.push(monotonicMs() - frame.data.sentAt);
  }
  if (waiter !== undefined && received >= waiter.total) {
    waiter.resolve();
    waiter = undefined;
  }
}

/**
 * One frame from a server with a delivery log, handled as the client SDK does: dedupe by
 * seq, then one cumulative ack per connection per burst (an event-loop turn).
 */
function onDurableFrame(ws: WebSocket, index: number, text: string): void {
  const frame = JSON.parse(text) as {
    type: string;
    seq?: number;
    data?: { dueAt?: string; firedAt?: string };
  };
  const cursor = cursors.get(ws)!;
  // The greeting and the resume answer that starts every durable connection are not pushes.
  if (frame.type === 'connected' || frame.type === 'resume') return;
  if (frame.type === 'error') {
    serverErrors.push(text);
    return;
  }
  if (frame.seq !== undefined) {
    if (frame.seq <= cursor.received) return; // seen (at-least-once delivery)
    cursor.received = frame.seq;
    unacked.add(ws);
    if (!flushing) {
      flushing = true;
      setImmediate(flushAcks);
    }
    if (lateness !== undefined && frame.data?.dueAt !== undefined) {
      const dueAt = Date.parse(frame.data.dueAt);
      lateness.received.push(Date.now() - dueAt);
      lateness.fired.push(Date.parse(frame.data.firedAt!) - dueAt);
    }
  }
  onPush(index, undefined);
}

function flushAcks(): void {
  flushing = false;
  // As the client SDK does: no `id`, so the server does not answer a successful ack.
  for (const ws of unacked) ws.send(`{"type":"ack","data":{"seq":${cursors.get(ws)!.received}}}`);
  unacked.clear();
}

/** Opens one connection for `userId` to `target` (the server this load generator was started for). */
function openOne(userId: string, target = url): Promise<void> {
  const index = perConnection.push(0) - 1;
  return new Promise((resolve, reject) => {
    if (isSocketIo) {
      const socket = io(target, {
        transports: ['websocket'],
        auth: { token: tokenFor(userId) },
        forceNew: true,
        reconnection: false,
      });
      socket.on(PUSH_TYPE, (data: { sentAt: number }) => {
        if (sampling) latencies.push(monotonicMs() - data.sentAt);
        onPush(index, undefined);
      });
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
      open.push(socket);
      return;
    }
    const ws = new WebSocket(target, {
      headers: { authorization: `Bearer ${tokenFor(userId)}` },
      perMessageDeflate: false,
    });
    if (isDurable) {
      cursors.set(ws, { received: 0 });
      // A durable connection is on its stream once its `resume` frame arrives: entries written
      // before that are history to it (the app has them from REST), so a burst must wait for it.
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith('{"type":"resume"')) resolve();
        onDurableFrame(ws, index, text);
      });
      ws.once('close', (code) => reject(new Error(`closed with ${code} before its resume frame`)));
      ws.once('error', reject);
      open.push(ws);
      return;
    }
    ws.on('message', (data: Buffer) => {
      // The `connected` greeting of our server is not a push.
      if (data[9] === 0x63 && data.toString().startsWith('{"type":"connected"')) return;
      onPush(index, sampling ? data.toString() : undefined);
    });
    ws.once('open', () => resolve());
    ws.once('error', reject);
    open.push(ws);
  });
}

/** One full handshake over a bare TCP socket, as lean as a client can be; resolves when accepted. */
function handshakeOnce(port: number, path: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const target = isSocketIo ? '/socket.io/?EIO=4&transport=websocket' : path;
    const auth = isSocketIo ? '' : `Authorization: Bearer ${token}\r\n`;
    let buffered = '';
    let upgraded = false;
    socket.setNoDelay(true);
    socket.on('error', reject);
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n`,
    );
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffered.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(buffered.split('\r\n')[0]));
          return;
        }
        upgraded = true;
        buffered = buffered.slice(end + 4);
      }
      if (!isSocketIo) {
        // Our server's handshake ends with its `connected` frame, as Socket.IO's ends with its
        // CONNECT packet; a plain ws server sends nothing after the 101.
        if (kind === 'ours' && !hasWholeFrame(buffered)) return;
        socket.destroy();
        resolve();
        return;
      }
      // Socket.IO: after the engine.io open packet, connect to the namespace with the token and
      // wait for the server's CONNECT answer, which comes after its auth middleware.
      if (buffered.includes('0{"sid"') && !buffered.includes('40{')) {
        socket.write(maskedText(`40${JSON.stringify({ token })}`));
        buffered = '';
      } else if (buffered.includes('40{')) {
        socket.destroy();
        resolve();
      }
    });
  });
}

/** Whether `bytes` (latin1) starts with one complete unmasked server frame. */
function hasWholeFrame(bytes: string): boolean {
  if (bytes.length < 2) return false;
  const length = bytes.charCodeAt(1) & 0x7f;
  if (length < 126) return bytes.length >= 2 + length;
  if (length === 126) {
    return bytes.length >= 4 && bytes.length >= 4 + bytes.charCodeAt(2) * 256 + bytes.charCodeAt(3);
  }
  return false; // no greeting is anywhere near 64 KiB
}

/** A client-to-server text frame (clients must mask). */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

serveRpc(
  {
    /** Opens `count` connections for users u0..u(users-1), `batch` at a time. */
    open: async ({
      count,
      users,
      batch = 250,
    }: {
      count: number;
      users: number;
      batch?: number;
    }) => {
      for (let i = 0; i < count; i += batch) {
        const wave: Promise<void>[] = [];
        for (let j = i; j < Math.min(count, i + batch); j++) wave.push(openOne(`u${j % users}`));
        await Promise.all(wave);
      }
      return open.length;
    },
    /**
     * Opens one connection per entry, `[userId, index into urls]`, `batch` at a time: clients of
     * several instances of one deployment, each user's devices where the scenario puts them.
     */
    openEach: async ({
      urls,
      connections,
      batch = 250,
    }: {
      urls: string[];
      connections: [string, number][];
      batch?: number;
    }) => {
      for (let i = 0; i < connections.length; i += batch) {
        const wave = connections
          .slice(i, i + batch)
          .map(([userId, instance]) => openOne(userId, urls[instance]));
        await Promise.all(wave);
      }
      return open.length;
    },
    received: () => received,
    /** Pushes received by each connection so far, in the order they were opened. */
    perConnection: () => perConnection,
    /** Resolves once `total` pushes have arrived in all. */
    waitFor: ({ total, timeoutMs }: { total: number; timeoutMs: number }) =>
      new Promise<void>((resolve, reject) => {
        if (received >= total) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`received ${received} of ${total}`)),
          timeoutMs,
        );
        waiter = {
          total,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
    /** Error frames a server with a delivery log sent (a failed ack, say), since the last call. */
    errors: () => serverErrors.splice(0),
    /** Starts (`on`) or stops recording reminder lateness; returns what was recorded. */
    lateness: ({ on }: { on: boolean }) => {
      const taken = lateness ?? { received: [], fired: [] };
      lateness = on ? { received: [], fired: [] } : undefined;
      return taken;
    },
    sample: ({ on }: { on: boolean }) => {
      sampling = on;
      const taken = latencies;
      latencies = [];
      return taken;
    },
    /** `count` sequential-in-waves handshakes, `concurrency` at once; returns wall ms. */
    handshakes: async ({
      count,
      concurrency,
      port,
      path,
    }: {
      count: number;
      concurrency: number;
      port: number;
      path: string;
    }) => {
      const token = tokenFor('handshake-user');
      const started = monotonicMs();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          next++;
          await handshakeOnce(port, path, token);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return monotonicMs() - started;
    },
    closeAll: () => {
      cursors.clear();
      for (const connection of open.splice(0)) {
        if (connection instanceof WebSocket) connection.terminate();
        else connection.disconnect();
      }
    },
  },
  { kind },
);
