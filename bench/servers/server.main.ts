import 'reflect-metadata';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { serveRpc } from '../lib/rpc';
import { monotonicMs, reminder } from '../lib/payload';
import type {
  BenchServer,
  DurableBench,
  ReminderSeedPlan,
  RoomBench,
} from './bench-server.interface';
import { startOursServer } from './ours.server';
import { startRawWsServer } from './raw-ws.server';
import { startSocketIoServer } from './socketio.server';

/** The Redis of a cluster kind: the argument after the kind. */
function redisUrl(): string {
  const url = process.argv[3];
  if (url === undefined) throw new Error(`${process.argv[2]} needs a Redis URL argument`);
  return url;
}

/** Server implementations the harness can start, by name. */
export const SERVER_KINDS = {
  ours: startOursServer,
  'raw-naive': () => startRawWsServer('naive'),
  'raw-best': () => startRawWsServer('best'),
  socketio: startSocketIoServer,
  'ours-sqlite': () => startOursServer('sqlite'),
  'ours-postgres': () => startOursServer('postgres'),
  /**
   * One instance of a cluster, on the Redis named by the next argument. Loaded only here, so
   * that the single-instance servers never load ioredis, as a single-instance app would not.
   */
  'ours-cluster': async () => {
    const { RedisClusterTransport } = await import('@nest-realtime/core/redis');
    return startOursServer(undefined, new RedisClusterTransport({ url: redisUrl() }));
  },
  'socketio-cluster': () => startSocketIoServer(redisUrl()),
} satisfies Record<string, () => Promise<BenchServer>>;

export type ServerKind = keyof typeof SERVER_KINDS;

/** `count` pushes to users u0..u(users-1), `batch` per event-loop turn. */
interface Burst {
  count: number;
  users: number;
  batch: number;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  const server = await SERVER_KINDS[kind]();
  const durable = (): DurableBench => {
    if (server.durable === undefined) throw new Error(`${kind} has no delivery log`);
    return server.durable;
  };
  const rooms = (): RoomBench => {
    if (server.rooms === undefined) throw new Error(`${kind} has no rooms`);
    return server.rooms;
  };
  serveRpc(
    {
      /** Cumulative CPU time of this process in µs. */
      cpu: () => {
        const usage = process.cpuUsage();
        return usage.user + usage.system;
      },
      connections: () => server.connections(),
      /** `rounds` broadcasts, one per event-loop turn so the writes can drain between them. */
      broadcast: async ({ rounds }: { rounds: number }) => {
        let reached = 0;
        for (let i = 0; i < rounds; i++) {
          reached += server.broadcast(reminder(monotonicMs()));
          await nextTurn();
        }
        return reached;
      },
      /** Puts every connection of this server in `room`; returns the room's size here. */
      joinAll: ({ room }: { room: string }) => rooms().joinAll(room),
      /** `rounds` pushes to `room`, one per event-loop turn; returns the sockets reached here. */
      roomBurst: async ({ room, rounds }: { room: string; rounds: number }) => {
        let reached = 0;
        for (let i = 0; i < rounds; i++) {
          reached += rooms().toRoom(room, reminder(monotonicMs()));
          await nextTurn();
        }
        return reached;
      },
      /**
       * `count` targeted pushes to users u0..u(users-1) as fast as the server can, `batch` per
       * event-loop turn so the writes can drain between batches.
       */
      targetBurst: async ({ count, users, batch }: Burst) => {
        let reached = 0;
        for (let i = 0; i < count; i++) {
          reached += server.toUser(`u${i % users}`, reminder(monotonicMs()));
          if (i % batch === batch - 1) await nextTurn();
        }
        return reached;
      },
      /** `count` targeted pushes to users u0..u(users-1), paced at `perSecond`. */
      target: async ({
        count,
        users,
        perSecond,
      }: {
        count: number;
        users: number;
        perSecond: number;
      }) => {
        const started = monotonicMs();
        let reached = 0;
        for (let i = 0; i < count; i++) {
          const due = started + (i * 1000) / perSecond;
          // Pacing by batches per timer turn keeps the rate without a timer per message.
          while (monotonicMs() < due) await new Promise((resolve) => setTimeout(resolve, 1));
          reached += server.toUser(`u${i % users}`, reminder(monotonicMs()));
        }
        return reached;
      },
      /**
       * `count` durable pushes to users u0..u(users-1), issued `batch` per event-loop turn
       * without waiting for their commits (they are group-committed); resolves once all
       * are written.
       */
      durableBurst: async ({ count, users, batch }: Burst) => {
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < count; i++) {
          writes.push(durable().deliver(`u${i % users}`, reminder(monotonicMs())));
          if (i % batch === batch - 1) await nextTurn();
        }
        await Promise.all(writes);
        return writes.length;
      },
      seedReminders: (plan: ReminderSeedPlan) => durable().seedReminders(plan),
      /** Resolves once the acknowledged seqs add up to `total`, checking every 10 ms. */
      waitAcked: async ({ total, timeoutMs }: { total: number; timeoutMs: number }) => {
        const deadline = monotonicMs() + timeoutMs;
        let acked = await durable().ackedTotal();
        while (acked < total) {
          if (monotonicMs() > deadline) throw new Error(`acknowledged ${acked} of ${total}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
          acked = await durable().ackedTotal();
        }
      },
      memory: () => {
        gc();
        const usage = process.memoryUsage();
        return { rss: usage.rss, heapUsed: usage.heapUsed };
      },
      close: () => server.close(),
    },
    { url: server.url },
  );
}

// A normal exit on SIGTERM lets `--cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));
void main();
