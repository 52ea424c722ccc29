import {
  Injectable,
  Module,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConnectionRegistry,
  DurableDelivery,
  HandshakeGuards,
  RealtimeGateway,
  RealtimeModule,
  RealtimePublisher,
  RealtimeWsAdapter,
  ReminderScheduler,
  readHandshakeCredential,
  type ClusterTransport,
  type RealtimeModuleOptions,
} from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import { KyselyReminderStore } from '@nest-realtime/core/reminders';
import { BENCH_KEY, PUSH_TYPE } from '../lib/payload';
import type { BenchServer, DurableBench, RoomBench } from './bench-server.interface';
import { openBenchDatabase, type BenchDatabase } from './bench-database';
import { seedReminders } from './reminder-seed';

/** The guard a user would write: a bearer JWT verified with @nestjs/jwt, HS256 only. */
@Injectable()
class BenchJwtGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage & { user?: unknown }>();
    const credential = readHandshakeCredential(request);
    if (credential === undefined) throw new UnauthorizedException();
    try {
      request.user = await this.jwt.verifyAsync(credential.value, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@RealtimeGateway()
@HandshakeGuards(BenchJwtGuard)
class BenchGateway {}

/** The benchmarked app: the realtime module with `options`, and the JWT guard. */
function benchModule(options: RealtimeModuleOptions): new () => object {
  @Module({
    imports: [
      JwtModule.register({ secret: BENCH_KEY }),
      RealtimeModule.forRoot({
        maxConnectionsPerUser: 1_000_000,
        maxBufferedBytes: 64 * 1024 * 1024,
        ...options,
      }),
    ],
    providers: [BenchJwtGuard, BenchGateway],
  })
  class BenchModule {}
  return BenchModule;
}

/**
 * A minimal Nest app using RealtimeModule the way users will run it; with `dialect`, with a
 * durable delivery log and reminders on that database (a fresh one, dropped on close); with
 * `cluster`, one instance of a cluster on that transport (resolves once the transport is up).
 */
export async function startOursServer(
  dialect?: 'sqlite' | 'postgres',
  cluster?: ClusterTransport,
): Promise<BenchServer> {
  const database = dialect === undefined ? undefined : await openBenchDatabase(dialect);
  const deliveryLog = database && new KyselyDeliveryLogStore(database.db);
  const reminderStore = database && new KyselyReminderStore(database.db, deliveryLog!);
  const app = await NestFactory.create(benchModule({ deliveryLog, reminderStore, cluster }), {
    logger: ['error', 'warn'],
  });
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  await app.listen(0, '127.0.0.1');
  if (cluster !== undefined) await transportUp(cluster);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const publisher = app.get(RealtimePublisher);
  const registry = app.get(ConnectionRegistry);
  const rooms: RoomBench = {
    joinAll: (room) => {
      for (const connection of registry.all()) registry.join(connection.id, room);
      return registry.membersOf(room).size;
    },
    toRoom: (room, data) => publisher.toRoom(room, PUSH_TYPE, data),
  };
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    broadcast: (data) => publisher.toAll(PUSH_TYPE, data),
    toUser: (userId, data) => publisher.toUser(userId, PUSH_TYPE, data),
    connections: () => registry.size,
    rooms,
    durable: database && durableOf(app.get(DurableDelivery), app.get(ReminderScheduler), database),
    close: async () => {
      await app.close();
      await database?.dispose();
    },
  };
}

/** Resolves once `transport` is subscribed (it has no event for that; checked every 10 ms). */
async function transportUp(transport: ClusterTransport): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (transport.state !== 'up') {
    if (Date.now() > deadline) throw new Error(`cluster transport still ${transport.state}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function durableOf(
  delivery: DurableDelivery,
  scheduler: ReminderScheduler,
  database: BenchDatabase,
): DurableBench {
  return {
    deliver: (userId, data) => delivery.deliver([{ userId, type: PUSH_TYPE, data }]),
    seedReminders: async (plan) => {
      await seedReminders(database.db, plan);
      // As after the backend's POST /reminders: the scheduler learns the new next due time.
      await scheduler.wake();
    },
    ackedTotal: async () => {
      const row = await database.db
        .selectFrom('realtime_delivery_cursors')
        .select((eb) => eb.fn.sum<number | string>('acked_seq').as('total'))
        .executeTakeFirst();
      return Number(row?.total ?? 0);
    },
  };
}
