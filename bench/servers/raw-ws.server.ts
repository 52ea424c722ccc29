import { JwtService } from '@nestjs/jwt';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { BENCH_KEY, PUSH_TYPE } from '../lib/payload';
import type { BenchServer } from './bench-server.interface';

/** ws's frame builder; public at runtime (`WebSocket.Sender`), missing from its typings. */
interface FrameBuilder {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}

/** The raw socket under a ws connection (`ws._socket`), which the best fan-out writes to directly. */
type WithSocket = WebSocket & { _socket: import('node:net').Socket };

/**
 * A hand-written `ws` server with the same JWT check done by hand at the handshake.
 * `naive`: `JSON.stringify` + `send` per socket. `best`: serialize once, build the frame once (header
 * and payload in one buffer), write the same bytes to every socket with one write each.
 */
export async function startRawWsServer(mode: 'naive' | 'best'): Promise<BenchServer> {
  const jwt = new JwtService({ secret: BENCH_KEY });
  const byUser = new Map<string, Set<WebSocket>>();
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    path: '/ws',
    perMessageDeflate: false,
    verifyClient: ({ req }: { req: IncomingMessage & { userId?: string } }, done) => {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      jwt.verifyAsync<{ sub: string }>(token, { algorithms: ['HS256'] }).then(
        (claims) => {
          req.userId = claims.sub;
          done(true);
        },
        () => done(false, 401),
      );
    },
  });
  wss.on('connection', (ws, req: IncomingMessage & { userId?: string }) => {
    const userId = req.userId!;
    let devices = byUser.get(userId);
    if (devices === undefined) byUser.set(userId, (devices = new Set()));
    devices.add(ws);
    ws.on('close', () => {
      devices.delete(ws);
      if (devices.size === 0) byUser.delete(userId);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const sendNaive = (sockets: Iterable<WebSocket>, data: object): number => {
    let reached = 0;
    for (const ws of sockets) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      ws.send(JSON.stringify({ type: PUSH_TYPE, data }));
      reached++;
    }
    return reached;
  };
  const sendBest = (sockets: Iterable<WebSocket>, data: object): number => {
    const payload = Buffer.from(JSON.stringify({ type: PUSH_TYPE, data }));
    // Header and payload in one buffer: one plain write per socket, no cork, no writev.
    const frame = Buffer.concat(
      (WebSocket as unknown as { Sender: FrameBuilder }).Sender.frame(payload, {
        fin: true,
        rsv1: false,
        opcode: 1,
        mask: false,
        readOnly: true,
      }),
    );
    let reached = 0;
    for (const ws of sockets) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      (ws as WithSocket)._socket.write(frame);
      reached++;
    }
    return reached;
  };
  const send = mode === 'naive' ? sendNaive : sendBest;

  return {
    url: `ws://127.0.0.1:${port}/ws`,
    broadcast: (data) => send(wss.clients, data),
    toUser: (userId, data) => send(byUser.get(userId) ?? [], data),
    connections: () => wss.clients.size,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
