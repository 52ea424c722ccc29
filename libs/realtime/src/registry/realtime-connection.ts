import type { MessageMappingProperties } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import type { GatewayEndpoint } from '../adapter/gateway-endpoint';
import type { RealtimePrincipal } from '../auth/realtime-principal.interface';
import { supportsDirectWrite } from '../delivery/ws-internals';
import type { SequencedFrame } from '../durable/sequenced-frame';

const CONNECTION = Symbol('realtime:connection');

type TaggedSocket = WebSocket & { [CONNECTION]?: RealtimeConnection };

/**
 * One open WebSocket and what the module knows about it. Rooms and handler bindings are the
 * registry's and the adapter's to change; application code reads.
 */
export class RealtimeConnection {
  /** Rooms this connection is in; created on first join so idle connections stay small. */
  rooms: Set<string> | undefined = undefined;
  /** Answered the last protocol ping. */
  alive = true;
  /** When the heartbeat next looks at it (ms since the epoch); 0 until its first look. */
  beatDueAt = 0;
  /** Whether the registry still holds it; false from the moment it starts closing. */
  registered = false;
  /** The gateway endpoint the connection came in through. */
  endpoint: GatewayEndpoint | undefined = undefined;
  /**
   * Whether the connection speaks the `'nest'` wire format (`{"event", "data"}`), as its
   * gateway chose; set once, before its first frame. A copy of its endpoint's, so that a
   * fan-out's per-socket check reads no second object.
   */
  nestFrames = false;
  /** Nest's handlers bound to this socket, in the gateway's order. */
  handlers: MessageMappingProperties[] = [];
  /**
   * Subscriptions to handlers' Observables still emitting; they end when the connection closes.
   * (Typed structurally: the declarations this package ships need no rxjs types.)
   */
  streams: Set<{ unsubscribe(): void }> | undefined = undefined;
  /** Token bucket: tokens left and when it was last refilled (ms, monotonic). */
  tokens: number;
  refilledAt: number;
  /** Consecutive messages refused by the rate limit. */
  violations = 0;
  /**
   * While the connection catches up on its durable log: live durable entries that arrived
   * meanwhile, sent once the replay is done. `undefined` when not replaying.
   */
  replayPending: SequencedFrame[] | undefined = undefined;
  /**
   * Live durable entries that arrived past a gap (in a cluster, entries of one user written by
   * several instances may cross on the bus), by seq; they wait for the missing ones, or for the
   * catch-up that reads the gap from the log. `undefined` while there is no gap.
   */
  durableAhead: Map<number, SequencedFrame> | undefined = undefined;
  /** Started when a gap opens; reads the gap from the log if it has not closed by then. */
  gapTimer: NodeJS.Timeout | undefined = undefined;
  /** Highest durable `seq` sent on this connection; a live entry at or below it is a repeat. */
  lastDurableSeq = 0;
  /**
   * Whether the connection has a position on its durable stream: set by the first catch-up
   * that succeeds (`resume`, `?lastSeq=` or the start at the head). Until then live durable
   * entries skip it — they are in the log, and the catch-up that positions it sends them.
   */
  onDurableStream = false;
  /** When the connection opened (ms since the epoch). */
  readonly connectedAt = Date.now();
  /** Pushed frames may be written straight to the TCP socket (see `ws-internals.ts`). */
  readonly directWrite: boolean;
  /** permessage-deflate was negotiated, so frames over the threshold go through ws to be compressed. */
  readonly deflate: boolean;

  constructor(
    readonly id: string,
    readonly principal: RealtimePrincipal,
    readonly socket: WebSocket,
    burst: number,
  ) {
    this.tokens = burst;
    this.refilledAt = performance.now();
    this.directWrite = supportsDirectWrite(socket);
    const extensions: unknown = socket.extensions;
    this.deflate = typeof extensions === 'string' && extensions.includes('permessage-deflate');
    (socket as TaggedSocket)[CONNECTION] = this;
  }

  /** The user id of the principal. */
  get userId(): string {
    return this.principal.userId;
  }

  /** The connection a socket belongs to, if the realtime adapter accepted it. */
  static of(socket: WebSocket): RealtimeConnection | undefined {
    return (socket as TaggedSocket)[CONNECTION];
  }
}
