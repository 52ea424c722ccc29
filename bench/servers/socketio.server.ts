import { JwtService } from '@nestjs/jwt';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/** Per-socket data this server keeps. */
interface SocketData {
  userId: string;
}
import { BENCH_KEY, PUSH_TYPE } from '../lib/payload';
import type { BenchServer } from './bench-server.interface';

/**
 * Socket.IO 4 as users run it for this job: websocket transport only, compression off, a JWT
 * checked in a connection middleware, one room per user for targeted pushes.
 */
export async function startSocketIoServer(): Promise<BenchServer> {
  const jwt = new JwtService({ secret: BENCH_KEY });
  const http = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
  });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: string }).token ?? '';
    jwt.verifyAsync<{ sub: string }>(token, { algorithms: ['HS256'] }).then(
      (claims) => {
        (socket.data as SocketData).userId = claims.sub;
        next();
      },
      () => next(new Error('unauthorized')),
    );
  });
  io.on('connection', (socket) => {
    void socket.join(`user:${(socket.data as SocketData).userId}`);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    broadcast: (data) => {
      io.emit(PUSH_TYPE, data);
      return io.engine.clientsCount;
    },
    toUser: (userId, data) => {
      const room = `user:${userId}`;
      io.to(room).emit(PUSH_TYPE, data);
      return io.sockets.adapter.rooms.get(room)?.size ?? 0;
    },
    connections: () => io.engine.clientsCount,
    close: async () => {
      await io.close();
    },
  };
}
