/** Injection token of the resolved (defaults merged, validated) options. */
export const REALTIME_OPTIONS = Symbol('realtime:options');

/** Injection token of the {@link WsTicketStore} in use. */
export const WS_TICKET_STORE = Symbol('realtime:ticket-store');

/** Metadata key under which `@HandshakeGuards()` stores its guards. */
export const HANDSHAKE_GUARDS_METADATA = 'realtime:handshake-guards';

/** Metadata key of `@PublicGateway()`. */
export const PUBLIC_GATEWAY_METADATA = 'realtime:public-gateway';

/** Property of `@RealtimeGateway()`'s options that carries the decorated class to the adapter. */
export const GATEWAY_CLASS_OPTION = '__realtimeGatewayClass';

/**
 * Message types the module handles itself; a gateway may subscribe to one only when the app
 * switches it off (`builtInMessages`).
 */
export const RESERVED_MESSAGE_TYPES = ['ping', 'pong', 'join', 'leave', 'ack', 'resume'] as const;

/** One of the module's built-in message types. */
export type BuiltInMessageType = (typeof RESERVED_MESSAGE_TYPES)[number];

/** Message type a handler subscribes to in order to receive binary frames. */
export const BINARY_MESSAGE_TYPE = '$binary';

/** Injection token of the {@link RealtimeBus} the publisher sends through. */
export const REALTIME_BUS = Symbol('realtime:bus');
