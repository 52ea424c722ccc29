import { Module } from '@nestjs/common';
import { RealtimeModule } from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import {
  RedisClusterTransport,
  RedisPresenceStore,
  RedisWsTicketStore,
} from '@nest-realtime/core/redis';
import { KyselyReminderStore } from '@nest-realtime/core/reminders';
import { ChatGateway } from './chat.gateway';
import { DatabaseModule } from './database';
import { NotesController } from './notes.controller';
import { StatsController } from './stats.controller';
import { TicketsController } from './tickets.controller';
import { TokenGuard } from './token.guard';

/** The same app on several instances: one PostgreSQL database, one Redis. */
@Module({
  imports: [
    DatabaseModule,
    RealtimeModule.forRootAsync({
      imports: [DatabaseModule],
      inject: [KyselyDeliveryLogStore, KyselyReminderStore],
      useFactory: (deliveryLog: KyselyDeliveryLogStore, reminderStore: KyselyReminderStore) => ({
        path: '/ws',
        deliveryLog,
        reminderStore,
        // Pushes and committed durable entries reach every instance's sockets.
        cluster: new RedisClusterTransport({ url: process.env.REDIS_URL }),
        // A ticket minted on one instance is accepted once, on any instance.
        ticketStore: new RedisWsTicketStore({ url: process.env.REDIS_URL }),
        // RealtimePresence and maxConnectionsPerUser count the connections of every instance.
        presence: new RedisPresenceStore({ url: process.env.REDIS_URL }),
      }),
    }),
  ],
  controllers: [TicketsController, NotesController, StatsController],
  providers: [TokenGuard, ChatGateway],
})
export class AppModule {}
