import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CredentialExpiryService } from './auth/credential-expiry.service';
import { HandshakeAuthenticator } from './auth/handshake.authenticator';
import { WsTicketService } from './auth/ws-ticket.service';
import { MemoryWsTicketStore } from './auth/ws-ticket.store';
import { ClusterRealtimeBus } from './cluster/cluster-realtime.bus';
import { ConnectionSender } from './delivery/connection.sender';
import { LocalRealtimeBus } from './delivery/local-realtime.bus';
import { RealtimePublisher } from './delivery/realtime.publisher';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import { ConnectionHookWrapper } from './lifecycle/connection-hook.wrapper';
import { RealtimeLifecycle } from './lifecycle/realtime.lifecycle';
import { MessageDispatcher } from './messaging/message.dispatcher';
import { RoomRequestHandler } from './messaging/room-request.handler';
import { DeliveryAckBatcher } from './durable/delivery-ack.batcher';
import { DeliveryLogWriter } from './durable/delivery-log.writer';
import { DurableCatchUp } from './durable/durable-catch-up.service';
import { DurableDelivery } from './durable/durable-delivery.service';
import { DurablePositionTracker } from './durable/durable-position.tracker';
import { DurableStreamSequencer } from './durable/durable-stream.sequencer';
import { DeliveryRequestHandler } from './durable/delivery-request.handler';
import { ReminderScheduler } from './reminders/reminder.scheduler';
import { DeliveryMaintenance } from './durable/delivery-maintenance.service';
import type { RealtimeModuleOptions } from './options/realtime-module-options.interface';
import { resolveRealtimeOptions } from './options/realtime-options.resolver';
import type { ResolvedRealtimeOptions } from './options/resolved-realtime-options.interface';
import { REALTIME_BUS, REALTIME_OPTIONS, WS_TICKET_STORE } from './realtime.constants';
import { ConfigurableRealtimeModule, REALTIME_MODULE_OPTIONS } from './realtime.module-definition';
import { ConnectionRegistry } from './registry/connection-registry';
import { RealtimeMetrics } from './metrics/realtime-metrics';
import { PresenceTracker } from './presence/presence.tracker';
import { RealtimePresence } from './presence/realtime-presence.service';

/**
 * Authenticated, validated WebSocket push for a Nest application. Import it once with
 * `RealtimeModule.forRoot(options)` or `forRootAsync({ imports, inject, useFactory })`, serve
 * the app with `RealtimeWsAdapter`, and declare a gateway with `@RealtimeGateway()` and
 * `@HandshakeGuards()`. Global by default: `RealtimePublisher`, `ConnectionRegistry`,
 * `RealtimePresence` and `WsTicketService` inject anywhere.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: REALTIME_OPTIONS,
      useFactory: (options: RealtimeModuleOptions) => resolveRealtimeOptions(options),
      inject: [REALTIME_MODULE_OPTIONS],
    },
    {
      provide: WS_TICKET_STORE,
      useFactory: (options: ResolvedRealtimeOptions) =>
        options.ticketStore ?? new MemoryWsTicketStore(),
      inject: [REALTIME_OPTIONS],
    },
    // Without a `cluster` transport the cluster bus is the local bus and nothing more. An alias
    // (not a factory returning the same instance) so that Nest runs its lifecycle hooks once.
    { provide: REALTIME_BUS, useExisting: ClusterRealtimeBus },
    LocalRealtimeBus,
    ClusterRealtimeBus,
    DurableStreamSequencer,
    ConnectionRegistry,
    RealtimeMetrics,
    PresenceTracker,
    RealtimePresence,
    ConnectionSender,
    RealtimePublisher,
    WsTicketService,
    HandshakeAuthenticator,
    ConnectionHookWrapper,
    CredentialExpiryService,
    HeartbeatService,
    RealtimeLifecycle,
    RoomRequestHandler,
    DurablePositionTracker,
    DeliveryLogWriter,
    DurableCatchUp,
    DeliveryAckBatcher,
    DurableDelivery,
    DeliveryRequestHandler,
    ReminderScheduler,
    DeliveryMaintenance,
    MessageDispatcher,
  ],
  exports: [
    REALTIME_OPTIONS,
    REALTIME_BUS,
    ConnectionRegistry,
    RealtimeMetrics,
    RealtimePresence,
    RealtimePublisher,
    WsTicketService,
    DurableDelivery,
    ReminderScheduler,
    DeliveryMaintenance,
    RealtimeLifecycle,
  ],
})
export class RealtimeModule extends ConfigurableRealtimeModule {}
