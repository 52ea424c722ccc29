import { JwtService } from '@nestjs/jwt';
import type { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/** Per-socket data this server keeps. */
interface SocketData {
  userId: string;
}
import { BENCH_KEY, PUSH_TYPE } from '../lib/payload';
import type { BenchServer, RoomBench } from './bench-server.interface';

/**
 * Socket.IO 4 as users run it for this job: websocket transport only, compression off, a JWT
 * checked in a connection middleware, one room per user for targeted pushes. With `redisUrl`,
 * one instance of a cluster on `@socket.io/redis-adapter` (its default, non-sharded adapter).
 */
export async function startSocketIoServer(redisUrl?: string): Promise<BenchServer> {
  const jwt = new JwtService({ secret: BENCH_KEY });
  const http = createServer();
  const redis = redisUrl === undefined ? undefined : await redisAdapter(redisUrl);
  const io = new Server(http, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
    ...(redis === undefined ? {} : { adapter: redis.adapter }),
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
  const rooms: RoomBench = {
    // `local`: each instance is asked to join its own sockets, as ours is.
    joinAll: (room) => {
      io.local.socketsJoin(room);
      return io.sockets.adapter.rooms.get(room)?.size ?? 0;
    },
    toRoom: (room, data) => {
      io.to(room).emit(PUSH_TYPE, data);
      return io.sockets.adapter.rooms.get(room)?.size ?? 0;
    },
  };
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
    rooms,
    close: async () => {
      await io.close();
      redis?.pub.disconnect();
      redis?.sub.disconnect();
    },
  };
}

/**
 * `@socket.io/redis-adapter`'s default adapter on two ioredis connections, once both are
 * connected. Its v8 README documents the `redis` and the `ioredis` client alike for one Redis;
 * ioredis is what our cluster transport uses, so both sides pay for the same client library.
 * Loaded only here, so that the single-instance server never loads either.
 */
async function redisAdapter(
  url: string,
): Promise<{ adapter: ReturnType<typeof createAdapter>; pub: Redis; sub: Redis }> {
  const [{ createAdapter: create }, { Redis: Client }] = await Promise.all([
    import('@socket.io/redis-adapter'),
    import('ioredis'),
  ]);
  const pub = new Client(url);
  const sub = pub.duplicate();
  await Promise.all([once(pub, 'ready'), once(sub, 'ready')]);
  return { adapter: create(pub, sub), pub, sub };
}
