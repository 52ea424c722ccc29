export { RealtimeModule } from './realtime.module';
export {
  REALTIME_MODULE_OPTIONS,
  REALTIME_ASYNC_OPTIONS_TYPE,
  REALTIME_OPTIONS_TYPE,
  type RealtimeModuleExtras,
} from './realtime.module-definition';
export {
  BINARY_MESSAGE_TYPE,
  REALTIME_BUS,
  REALTIME_OPTIONS,
  RESERVED_MESSAGE_TYPES,
  type BuiltInMessageType,
  WS_TICKET_STORE,
} from './realtime.constants';
export type {
  PrincipalResolver,
  RealtimeCompressionOptions,
  RealtimeModuleOptions,
  RealtimeRateLimitOptions,
  RoomAuthorizationRequest,
  RoomAuthorizer,
} from './options/realtime-module-options.interface';
export type { ResolvedRealtimeOptions } from './options/resolved-realtime-options.interface';
export {
  RealtimeOptionsError,
  defaultPrincipalResolver,
  resolveRealtimeOptions,
} from './options/realtime-options.resolver';

export { RealtimeWsAdapter } from './adapter/realtime-ws.adapter';
export type { RealtimeWsAdapterOptions } from './adapter/realtime-ws-adapter-options.interface';
export type {
  RealtimeMessageParser,
  RealtimeParsedMessage,
  RealtimeWsData,
} from './protocol/message-parser.interface';

export { HandshakeGuards } from './auth/handshake-guards.decorator';
export { PublicGateway } from './auth/public-gateway.decorator';

// Metrics (what an application exports to Prometheus or elsewhere)
export {
  RealtimeMetrics,
  UNKNOWN_MESSAGE_TYPE,
  UNPARSED_MESSAGE_TYPE,
  type RealtimeMetricsSnapshot,
} from './metrics/realtime-metrics';
export type { HistogramSnapshot } from './metrics/metric-histogram';
export {
  isWebSocketUpgrade,
  markWebSocketUpgrade,
  readHandshakeCredential,
  type HandshakeCredential,
  type HandshakeCredentialSource,
} from './auth/handshake-credentials';
export type { RealtimePrincipal } from './auth/realtime-principal.interface';
export { WsTicketService, type IssuedWsTicket } from './auth/ws-ticket.service';
export { MemoryWsTicketStore, type WsTicketStore } from './auth/ws-ticket.store';

export {
  RealtimeGateway,
  type RealtimeGatewayOptions,
} from './messaging/realtime-gateway.decorator';
export { CurrentConnection } from './messaging/current-connection.decorator';
export { RealtimeException } from './messaging/realtime.exception';
export { RealtimeExceptionFilter } from './messaging/realtime-exception.filter';
export { RealtimeValidationPipe } from './messaging/realtime-validation.pipe';
export { InboundMessage } from './messaging/inbound-message';
export { toFieldViolations, type FieldViolation } from './messaging/validation-details';

export { ConnectionRegistry } from './registry/connection-registry';
export { RealtimeConnection } from './registry/realtime-connection';
export { RealtimePresence } from './presence/realtime-presence.service';
export { RealtimeLifecycle } from './lifecycle/realtime.lifecycle';
export { PresenceUnavailableError } from './presence/presence-unavailable.error';
export type {
  PresenceRefreshEntry,
  PresenceStore,
  PresenceStoreContext,
} from './presence/presence-store.interface';

export { RealtimePublisher, type PushOptions } from './delivery/realtime.publisher';
export type { RealtimeBus } from './delivery/realtime-bus.interface';
export type {
  ClusterTransport,
  ClusterTransportHandlers,
  ClusterTransportState,
} from './cluster/cluster-transport.interface';
export type { SequencedFrame } from './durable/sequenced-frame';
export { PreparedFrame } from './delivery/prepared-frame';
export type { DeliveryTarget } from './delivery/delivery-target';

export {
  CLOSE_CODE_CATALOGUE,
  RealtimeCloseCode,
  RealtimeCloseReason,
  RealtimeErrorCode,
  type CloseCodeDescription,
} from './protocol/realtime-codes';
export type {
  ConnectedFrameData,
  ErrorFrameData,
  InboundFrame,
  OutboundFrame,
} from './protocol/frame.interface';
export type { ExceptionCause, NestExceptionData, RealtimeWireFormat } from './protocol/wire-format';

// Durable delivery (the Kysely store and its tables: `@nest-realtime/core/kysely`)
export type {
  DeliveryLogAck,
  DeliveryLogEntry,
  DeliveryLogHead,
  DeliveryLogRead,
  DeliveryLogRetention,
  NewDeliveryLogEntry,
} from './durable/delivery-log-entry.interface';
export {
  AckBeyondLogError,
  CursorAheadError,
  DeliveryEntryRejectedError,
} from './durable/delivery-log.errors';
export type { DeliveryLogStore } from './durable/delivery-log.store';
export { DELIVERY_LOG_EPOCH_PATTERN, isDeliveryLogEpoch } from './durable/delivery-log-epoch';
export { DurableDelivery, type ResumeReply } from './durable/durable-delivery.service';
export { DeliveryMaintenance } from './durable/delivery-maintenance.service';
export type { AckReply } from './durable/delivery-request.handler';

// Reminders (the Kysely store, its tables and cron helpers: `@nest-realtime/core/reminders`)
export {
  REMINDER_PUSH_TYPE,
  type NewReminder,
  type Reminder,
  type ReminderChanges,
  type ReminderFiring,
} from './reminders/reminder.interface';
export type { FiringRound, ReminderStore } from './reminders/reminder.store';
export { ReminderScheduler } from './reminders/reminder.scheduler';
