import type { DeliveryLogStore } from '../durable/delivery-log.store';
import type {
  DeliveryLogEntry,
  DeliveryLogRetention,
} from '../durable/delivery-log-entry.interface';
import type { ClusterTransport } from '../cluster/cluster-transport.interface';
import type { PresenceStore } from '../presence/presence-store.interface';
import type { ReminderStore } from '../reminders/reminder.store';
import type { RealtimeWireFormat } from '../protocol/wire-format';
import type { WsTicketStore } from '../auth/ws-ticket.store';
import type {
  PrincipalResolver,
  RealtimeModuleOptions,
  RoomAuthorizer,
} from './realtime-module-options.interface';

/** {@link RealtimeModuleOptions} with every default filled in; what providers inject. */
export interface ResolvedRealtimeOptions {
  readonly path: string;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly maxPayloadBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatFrames: boolean;
  /** The built-in message types that are on (the module handles them; gateways may not). */
  readonly builtInMessages: ReadonlySet<string>;
  readonly wireFormat: RealtimeWireFormat;
  readonly publicGateways: boolean;
  readonly rateLimit: {
    readonly messagesPerSecond: number;
    readonly burst: number;
    readonly maxViolations: number;
  };
  readonly maxConnectionsPerUser: number;
  readonly maxRoomsPerConnection: number;
  readonly maxBufferedBytes: number;
  readonly compression: false | { readonly thresholdBytes: number };
  readonly ticketTtlMs: number;
  readonly ticketStore: WsTicketStore | undefined;
  readonly deliveryLog: DeliveryLogStore | undefined;
  readonly replayBatchSize: number;
  readonly maxEntryDataBytes: number;
  readonly retention: DeliveryLogRetention | undefined;
  readonly undeliveredAfterMs: number | undefined;
  readonly onUndelivered: ((entries: DeliveryLogEntry[]) => void | Promise<void>) | undefined;
  readonly maintenanceIntervalMs: number;
  readonly reminderStore: ReminderStore | undefined;
  readonly cluster: ClusterTransport | undefined;
  readonly presence: PresenceStore | undefined;
  readonly presenceRefreshMs: number;
  readonly gapWaitMs: number;
  readonly positionCheckIntervalMs: number;
  readonly reminderSweepIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  readonly authorizeRoom: RoomAuthorizer;
  readonly resolvePrincipal: PrincipalResolver;
}

export type { RealtimeModuleOptions };
