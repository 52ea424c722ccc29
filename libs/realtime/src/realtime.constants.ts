/** Injection token of the resolved (defaults merged, validated) options. */
export const REALTIME_OPTIONS = Symbol('realtime:options');

/** Injection token of the {@link WsTicketStore} in use. */
export const WS_TICKET_STORE = Symbol('realtime:ticket-store');

/** Metadata key under which `@HandshakeGuards()` stores its guards. */
export const HANDSHAKE_GUARDS_METADATA = 'realtime:handshake-guards';

/** Property of `@RealtimeGateway()`'s options that carries the decorated class to the adapter. */
export const GATEWAY_CLASS_OPTION = '__realtimeGatewayClass';

/** Name of the heartbeat interval in `SchedulerRegistry`. */
export const HEARTBEAT_INTERVAL_NAME = 'realtime:heartbeat';

/** Name of the credential-expiry interval in `SchedulerRegistry`. */
export const EXPIRY_INTERVAL_NAME = 'realtime:credential-expiry';

/** Name of the reminder safety-net sweep in `SchedulerRegistry`. */
export const REMINDER_SWEEP_INTERVAL_NAME = 'realtime:reminder-sweep';

/** Name of the delivery log's retention and undelivered sweep in `SchedulerRegistry`. */
export const DELIVERY_MAINTENANCE_INTERVAL_NAME = 'realtime:delivery-maintenance';

/** Name of the timer for the next due reminder in `SchedulerRegistry`. */
export const REMINDER_TIMER_NAME = 'realtime:reminder-next';

/** Message types the module handles itself; a gateway may not subscribe to them. */
export const RESERVED_MESSAGE_TYPES: readonly string[] = ['ping', 'join', 'leave', 'ack', 'resume'];

/** Message type a handler subscribes to in order to receive binary frames. */
export const BINARY_MESSAGE_TYPE = '$binary';

/** Injection token of the {@link RealtimeBus} the publisher sends through. */
export const REALTIME_BUS = Symbol('realtime:bus');
