import { Module } from '@nestjs/common';
import { RealtimeModule } from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import { KyselyReminderStore } from '@nest-realtime/core/reminders';
import { ChatGateway } from './chat.gateway';
import { DatabaseModule } from './database';
import { NotesController } from './notes.controller';
import { StatsController } from './stats.controller';
import { TicketsController } from './tickets.controller';
import { TokenGuard } from './token.guard';

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
      }),
    }),
  ],
  controllers: [TicketsController, NotesController, StatsController],
  providers: [TokenGuard, ChatGateway],
})
export class AppModule {}
