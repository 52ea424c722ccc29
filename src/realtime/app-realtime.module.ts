import { Module } from '@nestjs/common';
import { RealtimeModule } from '@nest-realtime/core';
import { KyselyDeliveryLogStore } from '@nest-realtime/core/kysely';
import { KyselyReminderStore } from '@nest-realtime/core/reminders';
import { AuthModule } from '../auth/auth.module';
import { ClusterConnections } from '../cluster/cluster-connections';
import { ClusterModule } from '../cluster/cluster.module';
import { AppConfigModule, AppConfigService } from '../config';
import { AppGateway } from './app.gateway';
import { authorizeRoom } from './room-policy';
import { logUndelivered } from './undelivered.logger';

/** Wires the realtime library to the backend's configuration, auth and room policy. */
@Module({
  imports: [
    RealtimeModule.forRootAsync({
      imports: [AppConfigModule, ClusterModule],
      inject: [AppConfigService, KyselyDeliveryLogStore, KyselyReminderStore, ClusterConnections],
      useFactory: (
        config: AppConfigService,
        deliveryLog: KyselyDeliveryLogStore,
        reminderStore: KyselyReminderStore,
        cluster: ClusterConnections,
      ) => ({
        ...config.realtime,
        authorizeRoom,
        deliveryLog,
        reminderStore,
        onUndelivered: logUndelivered,
        // With REDIS_URL: pushes, durable entries and tickets reach every instance, and
        // presence and the per-user connection cap are cluster-wide.
        cluster: cluster.transport,
        ticketStore: cluster.tickets,
        presence: cluster.presence,
      }),
    }),
    AuthModule,
  ],
  providers: [AppGateway],
})
export class AppRealtimeModule {}
