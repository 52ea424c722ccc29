/** Every human-readable text the module produces, in one place so tests can assert against it. */

export const invalidOptions = (problems: readonly string[]): string =>
  `Invalid RealtimeModule options: ${problems.join('; ')}.`;

export const optionMustBePositiveInteger = (field: string, value: unknown): string =>
  `${field} must be a positive integer (got ${String(value)})`;

export const optionMustBeNonNegativeInteger = (field: string, value: unknown): string =>
  `${field} must be a non-negative integer (got ${String(value)})`;

export const optionMustBeFunction = (field: string): string => `${field} must be a function`;

export const optionMustBeBoolean = (field: string, value: unknown): string =>
  `${field} must be true or false (got ${String(value)})`;

export const unknownBuiltInMessage = (type: string): string =>
  `builtInMessages.${type} is not a built-in message type (ping, pong, join, leave, ack, resume)`;

export const builtInNeededByDeliveryLog = (type: string): string =>
  `builtInMessages.${type} cannot be switched off while there is a deliveryLog: durable delivery needs it`;

export const pathMustStartWithSlash = (value: unknown): string =>
  `path must be a string starting with "/" (got ${String(value)})`;

export const originMustBeExact = (value: unknown): string =>
  `allowedOrigins entries must be origins like "https://app.example.com" (got ${String(value)})`;

export const moduleNotImported = (): string =>
  'RealtimeWsAdapter needs RealtimeModule: import RealtimeModule.forRoot() or forRootAsync() in your application module.';

export const gatewayNotFound = (path: string, port: number): string =>
  `RealtimeWsAdapter found no gateway class for the WebSocket server at "${path}" on ${portName(port)}; declare gateways as providers of a module the application imports.`;

export const duplicateGateway = (path: string, port: number, gateways: readonly string[]): string =>
  `Two gateways share the WebSocket path "${path}" on ${portName(port)} (${gateways.join(', ')}); give each gateway its own path, or its own port.`;

export const gatewayWireFormat = (gateway: string, value: unknown): string =>
  `${gateway} asks for wireFormat ${String(value)}; use 'realtime' or 'nest'.`;

export const gatewayPortFailed = (port: number, reason: string): string =>
  `A gateway's own WebSocket port ${port} could not be listened on: ${reason}`;

const portName = (port: number): string =>
  port === 0 ? "the application's HTTP server" : `port ${port}`;

export const reservedMessageType = (gateway: string, type: string): string =>
  `${gateway} subscribes to "${type}", a message type RealtimeModule handles itself; to handle it in a gateway, switch the built-in off: RealtimeModule.forRoot({ builtInMessages: { ${type}: false } }).`;

export const notJson = (): string => 'Frames must be JSON text.';

export const notAFrame = (): string =>
  'A frame must be a JSON object with a string "type" and, optionally, a string "id".';

export const messageParserFailed = (): string => 'The frame could not be read as a message.';

export const notAParsedMessage = (): string =>
  'The frame did not read as a message with a non-empty name and, optionally, a string "id".';

export const unknownType = (type: string): string => `No handler for message type "${type}".`;

export const binaryNotAccepted = (): string => 'This endpoint does not accept binary frames.';

export const validationFailed = (): string => 'The message data is invalid.';

export const forbidden = (): string => 'Forbidden.';

export const roomForbidden = (room: string): string => `You may not join room "${room}".`;

export const tooManyRooms = (max: number): string =>
  `A connection may be in at most ${max} rooms; leave one before joining another.`;

export const rateLimited = (retryAfterMs: number): string =>
  `Too many messages; retry in ${retryAfterMs} ms.`;

export const internalError = (): string => 'Internal error.';

export const handshakeGuardFailed = (): string => 'Handshake guard threw an unexpected error';

/** Why the adapter refused a WebSocket handshake, as logged next to the HTTP status. */
export type HandshakeRefusalReason =
  | 'no gateway on this path'
  | 'shutting down'
  | 'origin not allowed'
  | 'invalid resume cursor'
  | 'refused by the handshake guards'
  | 'handshake guard failed'
  | 'connection cap reached'
  | 'ticket already used'
  | 'handshake failed';

/** Longest `Origin` value logged: the header is the client's to fill. */
const LOGGED_ORIGIN_MAX_LENGTH = 200;

/**
 * A refused handshake, for the log: status, reason, path and `Origin` only. Never pass the URL
 * (its query may hold `?ticket=` or `?token=`) or any other header.
 */
export const handshakeRefused = (
  status: number,
  reason: HandshakeRefusalReason,
  path: string,
  origin: string | undefined,
): string =>
  `WebSocket handshake refused with ${status} (${reason}): path ${path}, origin ${
    origin === undefined ? 'none' : origin.slice(0, LOGGED_ORIGIN_MAX_LENGTH)
  }`;

/** A connection that ended with a close code other than 1000, 1001 or 1005. */
export const connectionClosed = (code: number, connectionId: string, userId: string): string =>
  `WebSocket connection ${connectionId} of user ${userId} closed with ${code}`;

/** The end of the graceful shutdown of connections. */
export const shutdownDrained = (closed: number, terminated: number, elapsedMs: number): string =>
  `Shutdown: ${closed} WebSocket connection(s) closed with 1001, ${terminated} terminated after the timeout, in ${elapsedMs} ms`;

export const unidentifiedUser = (): string =>
  'The handshake guards passed but request.user has no user id (sub or id); set resolvePrincipal.';

export const missingHandshakeGuards = (gateway: string): string =>
  `${gateway} declares no @HandshakeGuards(): connections are authenticated at the handshake unless the app says the gateway is public. Add @HandshakeGuards(YourAuthGuard), or mark it @PublicGateway(), or make every gateway without guards public with RealtimeModule.forRoot({ publicGateways: true }).`;

export const unknownServer = (): string =>
  'This WebSocket server was not created by RealtimeWsAdapter.';

export const durableDeliveryOff = (): string =>
  'Durable delivery is not enabled: configure RealtimeModule with a deliveryLog.';

export const ackBeyondLog = (seq: number, lastSeq: number): string =>
  `Cannot acknowledge seq ${seq}: your log ends at ${lastSeq}.`;

export const invalidEpoch = (): string =>
  'epoch must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -, sent with a lastSeq.';

export const storeEpochInvalid = (): string =>
  "The delivery log store's epoch() returned something that is not a well-formed epoch (1 to 64 characters of A-Z, a-z, 0-9, _ and -).";

export const epochNotStored = (): string =>
  'The delivery log epoch was not found right after it was written (was realtime_delivery_meta emptied meanwhile?).';

export const resumeInProgress = (): string => 'A resume is already in progress on this connection.';

export const invalidLastSeq = (): string => 'lastSeq must be a non-negative integer.';

export const remindersNeedDeliveryLog = (): string =>
  'reminderStore needs a deliveryLog: firings are written to the delivery log';

export const reminderRoundFailed = (): string => 'Firing due reminders failed; retrying.';

export const reminderCatchUp = (
  reason: 'startup' | 'recovery',
  reminders: number,
  entries: number,
  maxLatenessMs: number,
): string =>
  `Reminder catch-up ${reason === 'startup' ? 'at startup' : 'after a failed round'}: ${
    reminders === 0
      ? 'nothing was due'
      : `fired ${reminders} reminder(s) (${entries} log entries), up to ${(
          maxLatenessMs / 1000
        ).toFixed(1)} s after their due time`
  }.`;

export const reminderDueAtNotFinite = (dueAt: unknown): string =>
  `A reminder's dueAt must be a finite number of ms since the epoch (got ${String(dueAt)}); nothing was stored.`;

export const maintenanceFailed = (): string => 'Delivery log maintenance failed; retrying.';

export const catchUpFailed = (userId: string): string =>
  `Catching up on the durable log of user ${userId} failed; closing the connection (1011) so that it resumes from its cursor`;

export const entryFieldInvalid = (field: string): string =>
  `A durable entry needs a non-empty string ${field}.`;

export const entryIdInvalid = (maxLength: number): string =>
  `A durable entry's id, when given, must be a non-empty string of at most ${maxLength} characters.`;

export const entryDataNotSerializable = (reason: string): string =>
  `A durable entry's data must serialize to JSON: ${reason}.`;

export const entryDataTooLarge = (bytes: number, maxBytes: number): string =>
  `A durable entry's data is ${bytes} bytes as JSON; at most ${maxBytes} are accepted (maxEntryDataBytes).`;

export const isolatingFailedGroup = (callers: number): string =>
  `A group commit of ${callers} deliveries failed; retrying them in smaller groups to isolate the failing one`;

export const optionalPeerMissing = (entry: string, packageName: string, feature: string): string =>
  `${entry} (${feature}) needs the package "${packageName}", which is not installed. ` +
  `Install it next to @nest-realtime/core: npm install ${packageName}`;

export const positionCheckFailed = (error: unknown): string =>
  `Could not compare connections with their delivery logs; trying again later: ${
    error instanceof Error ? error.message : String(error)
  }`;

export const clusterPublishFailed = (state: string): string =>
  `Cluster bus ${state}: messages are not reaching the other instances (they catch up on durable entries from the log; live pushes are lost) until it is up again.`;

export const clusterTransportUp = (): string =>
  'Cluster bus up: publishing to and receiving from the other instances.';

export const clusterTransportDown = (error: unknown): string =>
  `Cluster bus down (${
    error instanceof Error ? error.message : 'connection closed'
  }): pushes reach this instance's connections only until it is back; durable entries are caught up then.`;

export const transportStartedTwice = (): string =>
  'RedisClusterTransport.start() was called twice: give each RealtimeModule its own transport.';

export const ticketStoreUnavailable = (): string =>
  'The ticket store (Redis) is unavailable; try again shortly.';

export const presenceUnavailable = (): string =>
  'The presence store (Redis) is unavailable; the count is unknown. Try again shortly.';

export const presenceWriteFailed = (error: unknown): string =>
  `Could not write presence to the store (${
    error instanceof Error ? error.message : 'refresh failed'
  }): until it is back, handshakes are checked against this instance's cap only; this instance's counts are rewritten once it is.`;

export const presenceStoreStartedTwice = (): string =>
  'RedisPresenceStore.start() was called twice: give each RealtimeModule its own presence store.';

export const optionMustBeWireFormat = (field: string, value: unknown): string =>
  `${field} must be 'realtime' or 'nest' (got ${String(value)})`;

export const notANestFrame = (): string =>
  'A frame must be a JSON object with a non-empty string "event".';
