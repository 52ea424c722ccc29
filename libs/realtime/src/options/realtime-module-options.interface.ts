import type { BuiltInMessageType } from '../realtime.constants';
import type { RealtimeWireFormat } from '../protocol/wire-format';
import type { DeliveryLogStore } from '../durable/delivery-log.store';
import type {
  DeliveryLogEntry,
  DeliveryLogRetention,
} from '../durable/delivery-log-entry.interface';
import type { ClusterTransport } from '../cluster/cluster-transport.interface';
import type { PresenceStore } from '../presence/presence-store.interface';
import type { ReminderStore } from '../reminders/reminder.store';
import type { IncomingMessage } from 'node:http';
import type { WsTicketStore } from '../auth/ws-ticket.store';
import type { RealtimePrincipal } from '../auth/realtime-principal.interface';

/** Per-connection limit on inbound messages: a token bucket. */
export interface RealtimeRateLimitOptions {
  /** Sustained inbound messages per second a connection may send. Default `20`. */
  messagesPerSecond?: number;
  /** Messages a connection may send at once after being idle (bucket size). Default `40`. */
  burst?: number;
  /**
   * Consecutive `RATE_LIMITED` answers after which the connection is closed with 1008.
   * Default `10`.
   */
  maxViolations?: number;
}

/** permessage-deflate settings. Off by default: compressing small frames costs more than it saves. */
export interface RealtimeCompressionOptions {
  /** Frames smaller than this many bytes are sent uncompressed. Default `1024`. */
  thresholdBytes?: number;
}

/** What a connection asks to do with a room, as passed to {@link RealtimeModuleOptions.authorizeRoom}. */
export interface RoomAuthorizationRequest {
  /** The authenticated user. */
  principal: RealtimePrincipal;
  /** The room asked for. */
  room: string;
  /** The id of the asking connection. */
  connectionId: string;
}

/** Decides whether a connection may join a room. */
export type RoomAuthorizer = (request: RoomAuthorizationRequest) => boolean | Promise<boolean>;

/** Turns the value a handshake guard left on `request.user` into a principal. */
export type PrincipalResolver = (
  request: IncomingMessage & { user?: unknown },
) => RealtimePrincipal;

/** Options of {@link RealtimeModule}. Every field is optional; defaults are listed per field. */
export interface RealtimeModuleOptions {
  /** URL path the WebSocket endpoint listens on. Default `'/ws'`. */
  path?: string;
  /**
   * Origins (scheme://host[:port], exact match) allowed to open a connection. A request with a
   * foreign `Origin`, or `Origin: null`, is refused with HTTP 403; a request without `Origin`
   * (not a browser) is let through to authentication. Default `[]`: no check.
   */
  allowedOrigins?: string[];
  /** Largest inbound frame in bytes; a larger one closes the connection with 1009. Default `65536`. */
  maxPayloadBytes?: number;
  /**
   * Milliseconds between protocol pings. A peer that has not answered the previous ping when the
   * next is due is terminated. Default `30000`.
   */
  heartbeatIntervalMs?: number;
  /**
   * Also send an application-level heartbeat, the text frame `{"type":"heartbeat"}`, with every
   * protocol ping, for clients that cannot see protocol pings (a browser's `WebSocket`, some
   * proxies' clients): they answer `{"type":"pong"}`. While on, any inbound frame (that `pong`
   * or anything else) counts as liveness like a protocol pong; a peer that answered neither is
   * terminated as without it. Default `false`.
   */
  heartbeatFrames?: boolean;
  /**
   * Switches built-in message types off, so that a gateway may handle them itself, e.g.
   * `{ join: false, leave: false }` for rooms of the app's own. A switched-off type without a
   * gateway handler is `UNKNOWN_TYPE`. `ack` and `resume` stay on while there is a
   * `deliveryLog` (durable delivery needs them). Default: every built-in on.
   */
  builtInMessages?: Partial<Record<BuiltInMessageType, boolean>>;
  /**
   * The wire format of every gateway that does not choose its own (`@RealtimeGateway({
   * wireFormat })` or `@WebSocketGateway({ wireFormat })`): `'realtime'`, this module's
   * `{"type", "data", "id"}` frames with replies and error frames that carry `replyTo`; or
   * `'nest'`, `@nestjs/platform-ws`'s `{"event", "data"}` frames, with handler return values sent
   * as Nest sends them and errors as `exception` events (docs/protocol.md, "Wire formats").
   * Default `'realtime'`.
   */
  wireFormat?: RealtimeWireFormat;
  /**
   * Lets every gateway without `@HandshakeGuards()` accept anonymous connections, as if each
   * carried `@PublicGateway()`. Without it (and without the marker) such a gateway refuses to
   * boot: endpoints are authenticated unless the app says otherwise. Default `false`.
   */
  publicGateways?: boolean;
  /** Inbound message rate limit per connection. */
  rateLimit?: RealtimeRateLimitOptions;
  /** Open connections one user may hold; one more is refused with HTTP 429. Default `10`. */
  maxConnectionsPerUser?: number;
  /**
   * Rooms one connection may be in at once. A `join` past it is answered with `TOO_MANY_ROOMS`
   * (a room already joined does not count twice; `leave` frees a slot), and a server-side
   * `ConnectionRegistry.join` past it throws. Bounds the memory a client can make the server
   * hold. Default `100`.
   */
  maxRoomsPerConnection?: number;
  /**
   * Bytes that may wait in a connection's send buffer. A connection over this is a slow consumer
   * and is closed with 4008. Default `1048576` (1 MiB).
   */
  maxBufferedBytes?: number;
  /** permessage-deflate; `false` (the default) turns it off. */
  compression?: false | RealtimeCompressionOptions;
  /** Lifetime of a one-time handshake ticket in milliseconds. Default `30000`. */
  ticketTtlMs?: number;
  /** Where handshake tickets are kept. Default: in this process. */
  ticketStore?: WsTicketStore;
  /**
   * The durable per-user delivery log (for example a `KyselyDeliveryLogStore` from `@nest-realtime/core/kysely`). With one,
   * `DurableDelivery` writes before it pushes, and clients may `ack` and `resume`
   * (or connect with `?lastSeq=`). Default: none, durable delivery off.
   */
  deliveryLog?: DeliveryLogStore;
  /** Entries read from the log per round trip while a client catches up. Default `500`. */
  replayBatchSize?: number;
  /**
   * Largest durable entry `data`, in bytes of its JSON: a bigger one is refused with
   * `DeliveryEntryRejectedError` before anything is written. Keep it well under half of
   * `maxBufferedBytes`, which paces replays. Default `65536` (64 KiB).
   */
  maxEntryDataBytes?: number;
  /** How long delivery log entries are kept; pruned every `maintenanceIntervalMs`. Default: forever. */
  retention?: DeliveryLogRetention;
  /**
   * Raise `onUndelivered` for an entry still unacknowledged this many ms after it was written.
   * Default: never.
   */
  undeliveredAfterMs?: number;
  /**
   * The app's fallback for entries nobody acknowledged (e-mail, mobile push, a log line). At
   * least once per entry: entries are marked reported only after it returns, so a hook that
   * throws (or a crash) gets them again on the next run, and several instances may each report
   * one. Make it idempotent, keyed on the entry's `id`.
   */
  onUndelivered?: (entries: DeliveryLogEntry[]) => void | Promise<void>;
  /** Milliseconds between retention and undelivered sweeps. Default `60000`. */
  maintenanceIntervalMs?: number;
  /**
   * Reminders to fire (a `KyselyReminderStore` from `@nest-realtime/core/reminders`, on the same database as `deliveryLog`, which it
   * needs). Default: none, no reminder scheduler.
   */
  reminderStore?: ReminderStore;
  /**
   * Milliseconds between the scheduler's safety-net sweeps; the next due reminder has its own
   * timer. Default `5000`.
   */
  reminderSweepIntervalMs?: number;
  /**
   * Runs the module on several instances as one: every publish (`toUser`, `toRoom`, `toAll`,
   * `toConnection`) and every committed durable entry also reaches the other instances through
   * this transport (for example `new RedisClusterTransport({ url })` from
   * `@nest-realtime/core/redis`), each of which delivers to its own connections. Default: none,
   * this process only.
   */
  cluster?: ClusterTransport;
  /**
   * Counts connections across instances (for example `new RedisPresenceStore({ url })` from
   * `@nest-realtime/core/redis`): `RealtimePresence` then answers cluster-wide, and
   * `maxConnectionsPerUser` holds across all instances (each handshake claims its place
   * atomically). Default: none, presence and the cap are per instance.
   */
  presence?: PresenceStore;
  /**
   * With `presence`: milliseconds between rewrites of this instance's presence entries, which
   * live two periods — so a dead instance's connections stop counting within `2 ×` this.
   * Default `15000` (gone within 30 s).
   */
  presenceRefreshMs?: number;
  /**
   * Milliseconds a live durable entry that arrived past a gap (its predecessor, written on
   * another instance, is still on the way) waits before the gap is read from the log. Default
   * `250`.
   */
  gapWaitMs?: number;
  /**
   * With `cluster`: milliseconds between checks of every local connection's position against
   * its user's log (one query per instance), which catch up a connection that missed the last
   * entry of a burst (a message the cluster transport lost). `0` turns the check off. Default
   * `5000`.
   */
  positionCheckIntervalMs?: number;
  /**
   * Milliseconds to wait, at shutdown, for clients to answer the 1001 close before they are
   * terminated. Default `5000`.
   */
  shutdownTimeoutMs?: number;
  /**
   * Who may join which room. Default: nobody may join any room (secure by default); the
   * reference backend shows a policy.
   */
  authorizeRoom?: RoomAuthorizer;
  /**
   * Reads the principal from the upgrade request once the handshake guards have passed.
   * Default: `request.user.sub` (or `.id`) as the user id, `request.user.exp` (seconds since the
   * epoch, as in a JWT) as the expiry.
   */
  resolvePrincipal?: PrincipalResolver;
}
