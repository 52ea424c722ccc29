import { fullJitterDelay } from './backoff';
import {
  isEpoch,
  resolveClientOptions,
  type RealtimeAuth,
  type RealtimeClientOptions,
  type ResolvedClientOptions,
  type WebSocketLike,
} from './client-options';
import { closePolicy, FINAL_HANDSHAKE_STATUSES } from './close-policy';
import {
  RealtimeClosedError,
  RealtimeConnectionLostError,
  RealtimeQueueFullError,
  RealtimeRequestError,
  RealtimeTimeoutError,
} from './errors';
import type {
  ConnectedData,
  ErrorFrameData,
  ReferenceServerEvents,
  ResumeData,
  ResumeRequestData,
  ResyncData,
  ServerFrame,
} from './protocol';
import { currentReminderFiring, REMINDER_FIRING_TYPE } from './reminder-firing';
import { TypedEmitter, type EventMeta, type Listener } from './typed-emitter';

/** Where the client stands. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Events about the connection itself, beside the server's pushes. */
export interface ConnectionEvents {
  /** An attempt starts (`attempt` 0 is the first since the last stable connection). */
  connecting: { attempt: number };
  /** The server greeted the connection. */
  open: ConnectedData;
  /** The connection was lost; the next attempt is in `delayMs` (`null`: when back online). */
  reconnecting: { attempt: number; delayMs: number | null; code: number; reason: string };
  /** For good: `close()` was called, or the server said not to come back. */
  closed: { code: number; reason: string };
  /**
   * The server could not resume from the client's cursor — older than its log keeps, ahead of
   * its log, or of another epoch (the log was reset or restored): reload state from REST. The
   * client now stands at `lastSeq` of the log of `epoch` (persist both); live pushes continue
   * from there. `epoch` is absent from servers that predate epochs.
   */
  resync: { lastSeq: number; epoch?: string };
  /** A server `error` frame that answers no request, a handler that threw, a failed `auth`. */
  error: Error;
}

/** One queued or in-flight request. */
interface PendingRequest {
  type: string;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Whether it left on a connection (so that losing the connection loses the answer). */
  sent: boolean;
}

/** A request's options. */
export interface RequestOptions {
  /** Give up after this long, ms. Default: the client's `requestTimeoutMs`. */
  timeoutMs?: number;
}

/** Closes set by the client itself (never sent by a server). */
const HEARTBEAT_TIMEOUT = { code: 1006, reason: 'heartbeat timeout' };
const OPEN = 1;

/**
 * A client of a `RealtimeModule` endpoint for browsers and Node: reconnects with full-jitter
 * backoff (and not from a background tab in a hurry), sends an application heartbeat (and
 * answers the server's with `pong`), resumes the durable stream from the last `seq` it saw,
 * deduplicates by `seq`, acks once per burst, queues sends while offline, and types every event.
 *
 * @typeParam Events what the server pushes, by frame type (default: the reference backend's).
 */
export class RealtimeClient<Events extends object = ReferenceServerEvents> {
  private readonly options: ResolvedClientOptions;
  /** Typed at `on`/`once`/`off`; inside, pushes and connection events share one emitter. */
  private readonly emitter = new TypedEmitter<Record<string, unknown>>();
  private socket: WebSocketLike | undefined;
  private currentState: ConnectionState = 'idle';
  /** Bumped when a socket is abandoned, so its late events are ignored. */
  private generation = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private receivedSincePing = true;
  private handshakeStatus: number | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly queue: string[] = [];
  /** Highest durable seq received (duplicates at or below it are dropped). */
  private cursor: number | undefined;
  /** The epoch of the log `cursor` belongs to, as the server last said. */
  private logEpoch: string | undefined;
  /** Highest durable seq whose handlers have returned. */
  private handledSeq = 0;
  private ackedSeq = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  /** A `resume` from the cursor is on its way, after a gap in the seqs this socket delivered. */
  private resumingAfterGap = false;
  private handling: Promise<void> = Promise.resolve();
  private readonly detachEnvironment: () => void;

  constructor(options: RealtimeClientOptions) {
    this.options = resolveClientOptions(options);
    this.cursor = this.options.lastSeq;
    this.logEpoch = this.options.epoch;
    this.handledSeq = this.ackedSeq = this.options.lastSeq ?? 0;
    this.detachEnvironment = this.attachEnvironment();
    if (this.options.autoConnect) this.connect();
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** The highest durable `seq` received; persist it (with {@link epoch}) to resume after a reload. */
  get lastSeq(): number | undefined {
    return this.cursor;
  }

  /**
   * The epoch of the server's log that {@link lastSeq} belongs to (known once the server's
   * first `resume` or `resync` frame has arrived); persist it with `lastSeq` and pass both back
   * as options.
   */
  get epoch(): string | undefined {
    return this.logEpoch;
  }

  /**
   * Listens to a server push type or a connection event. For a durable push, the cumulative
   * ack waits until every listener has returned (or its promise settled).
   *
   * @returns a function that removes the listener.
   */
  on<K extends keyof (Events & ConnectionEvents)>(
    event: K,
    listener: Listener<Events & ConnectionEvents, K>,
  ): () => void {
    return this.emitter.on(event as string, listener as Listener<Record<string, unknown>, string>);
  }

  once<K extends keyof (Events & ConnectionEvents)>(
    event: K,
    listener: Listener<Events & ConnectionEvents, K>,
  ): () => void {
    return this.emitter.once(
      event as string,
      listener as Listener<Record<string, unknown>, string>,
    );
  }

  off<K extends keyof (Events & ConnectionEvents)>(
    event: K,
    listener: Listener<Events & ConnectionEvents, K>,
  ): void {
    this.emitter.off(event as string, listener as Listener<Record<string, unknown>, string>);
  }

  /** Starts connecting (again, after `close()`). */
  connect(): void {
    if (this.currentState === 'connecting' || this.currentState === 'open') return;
    this.clearReconnect();
    this.attempt = 0;
    void this.open();
  }

  /**
   * Closes for good: no reconnect, queued sends and pending requests fail with
   * {@link RealtimeClosedError}. `connect()` starts again.
   */
  close(code = 1000, reason = 'client closed'): void {
    this.flushAck();
    this.abandonSocket(code, reason);
    this.clearReconnect();
    this.failAll(new RealtimeClosedError(), true);
    this.setClosed(code, reason);
  }

  /** Removes browser listeners as well; the client cannot be used afterwards. */
  dispose(): void {
    this.close();
    this.detachEnvironment();
  }

  /**
   * Sends a message without asking for an answer. While disconnected it waits in the offline
   * queue and leaves, in order, once the connection is open.
   *
   * @throws RealtimeQueueFullError when disconnected with the queue full.
   * @throws RealtimeClosedError after `close()`.
   */
  send(type: string, data?: unknown): void {
    this.transmit(JSON.stringify({ type, data }));
  }

  /**
   * Sends a message with an `id` and resolves with the reply's `data`.
   *
   * @throws RealtimeRequestError with the error frame's `code` when the server refuses it.
   * @throws RealtimeTimeoutError when no answer comes in time.
   * @throws RealtimeConnectionLostError when the connection closes before the answer.
   */
  request<T = unknown>(type: string, data?: unknown, options: RequestOptions = {}): Promise<T> {
    const id = `r${this.nextRequestId++}`;
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RealtimeTimeoutError(type, timeoutMs));
      }, timeoutMs);
      const request: PendingRequest = {
        type,
        resolve: resolve as (data: unknown) => void,
        reject,
        timer,
        sent: false,
      };
      this.pending.set(id, request);
      try {
        request.sent = this.transmit(JSON.stringify({ type, data, id }));
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** @returns whether it left now (else it was queued). */
  private transmit(frame: string): boolean {
    if (this.currentState === 'closed') throw new RealtimeClosedError();
    if (this.currentState === 'open' && this.socket !== undefined) {
      this.socket.send(frame);
      return true;
    }
    if (this.queue.length >= this.options.offlineQueueSize) {
      throw new RealtimeQueueFullError(this.options.offlineQueueSize);
    }
    this.queue.push(frame);
    return false;
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.currentState = 'connecting';
    this.notify('connecting', { attempt: this.attempt });
    let auth: RealtimeAuth;
    try {
      auth = await this.options.auth();
    } catch (error) {
      if (generation !== this.generation) return;
      this.emitError(error);
      this.scheduleReconnect(1006, 'auth provider failed');
      return;
    }
    if (generation !== this.generation) return;
    const url = new URL(this.options.url);
    for (const [key, value] of Object.entries(auth.query ?? {})) url.searchParams.set(key, value);
    if (this.cursor !== undefined) {
      url.searchParams.set('lastSeq', String(this.cursor));
      if (this.logEpoch !== undefined) url.searchParams.set('epoch', this.logEpoch);
    }
    this.handshakeStatus = undefined;
    let socket: WebSocketLike;
    try {
      socket =
        auth.headers === undefined
          ? new this.options.WebSocket(url.toString())
          : new this.options.WebSocket(url.toString(), { headers: auth.headers });
    } catch (error) {
      this.emitError(error);
      this.scheduleReconnect(1006, 'could not create the socket');
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => {
      if (generation === this.generation) this.onFrame(event.data);
    };
    socket.onerror = (event) => {
      // Node's ws reports a refused handshake as "Unexpected server response: 401".
      const message = (event as { message?: unknown }).message;
      const status = typeof message === 'string' ? /response: (\d{3})/.exec(message) : null;
      if (status !== null) this.handshakeStatus = Number(status[1]);
    };
    socket.onclose = (event) => {
      if (generation === this.generation) this.onClosed(event.code, event.reason);
    };
  }

  private onFrame(raw: unknown): void {
    this.receivedSincePing = true;
    if (typeof raw !== 'string') return; // the protocol is JSON text; binary is not ours
    let frame: ServerFrame;
    try {
      frame = JSON.parse(raw) as ServerFrame;
    } catch {
      this.emitError(new Error('The server sent a frame that is not JSON.'));
      return;
    }
    if (frame.replyTo !== undefined) {
      this.settleRequest(frame);
      return;
    }
    switch (frame.type) {
      case 'connected':
        this.onConnected(frame.data as ConnectedData);
        return;
      case 'pong':
        return;
      case 'heartbeat':
        // A server with application heartbeats on counts this answer as liveness, whether or not
        // the socket answers protocol pings (a browser's does; not every client's).
        if (this.socket?.readyState === OPEN) this.socket.send('{"type":"pong"}');
        return;
      case 'error': {
        const data = frame.data as ErrorFrameData;
        if (isCursorAhead(data)) {
          this.restartAtHead();
          return;
        }
        this.emitError(new RealtimeRequestError(data.code, data.message, data.details));
        return;
      }
      case 'resume':
        this.onResumed(frame.data as ResumeData);
        return;
      case 'resync':
        this.onResync(frame.data as ResyncData);
        return;
    }
    if (frame.seq !== undefined) {
      this.onDurable(frame, frame.seq);
      return;
    }
    this.emitter.emit(frame.type, pushData(frame), undefined, (error) => this.emitError(error));
  }

  /**
   * The server could not resume from the cursor; the connection stands at `lastSeq` of the log
   * of `epoch`. The app reloads from REST, so everything up to there counts as handled (and is
   * acked). A cursor that was ahead of the log, or of another epoch, counted seqs of a log that
   * is gone: what was handled and acked of it is forgotten, so that nothing of the new log is
   * skipped or acked unseen.
   */
  private onResync({ lastSeq, epoch }: Partial<ResyncData>): void {
    if (typeof lastSeq !== 'number') return;
    const known = isEpoch(epoch) ? epoch : undefined;
    const otherLog =
      (known !== undefined && known !== this.logEpoch) ||
      (this.cursor !== undefined && lastSeq < this.cursor);
    this.cursor = lastSeq;
    if (known !== undefined) this.logEpoch = known;
    this.handling = this.handling.then(() => {
      if (otherLog) this.handledSeq = this.ackedSeq = 0;
      this.handledSeq = Math.max(this.handledSeq, lastSeq);
      this.notify('resync', known === undefined ? { lastSeq } : { lastSeq, epoch: known });
      this.scheduleAck();
    });
  }

  /**
   * A server that predates epochs refused a cursor ahead of its log (its database was reset or
   * restored) with `VALIDATION_FAILED`: the cursor means nothing there any more. Start over at
   * the head, and tell the app to reload. (Current servers answer `resync` instead.)
   */
  private restartAtHead(): void {
    this.cursor = undefined;
    this.logEpoch = undefined;
    this.handledSeq = this.ackedSeq = 0;
    this.handling = this.handling.then(() => {
      this.notify('resync', { lastSeq: 0 });
    });
    this.abandonSocket();
    this.failAll(undefined, false);
    this.scheduleReconnect(1006, 'resume cursor ahead of the server log');
  }

  /**
   * The replay is over: the log's head is where this client now stands, in the log of `epoch`.
   * The epoch is whatever the server said, none included (a server from before epochs, which
   * would refuse one in a `resume` request). Acks wait for this frame after a reconnect, so that
   * one of a log the server no longer has (a `resync` comes first then) is never applied to the
   * new one.
   */
  private onResumed({ lastSeq, epoch }: ResumeData): void {
    this.resumingAfterGap = false;
    if (this.cursor === undefined || lastSeq > this.cursor) this.cursor = lastSeq;
    this.logEpoch = isEpoch(epoch) ? epoch : undefined;
    // After whatever a `resync` before it queued: that decides which acks still count.
    this.handling = this.handling.then(() => this.flushAck());
  }

  /**
   * Drops what was seen, hands the rest to listeners in order, acks once they return. A seq
   * past `cursor + 1` means entries are missing in between: nothing newer is handed over (or
   * acked) until a `resume` from the cursor has replayed them.
   */
  private onDurable(frame: ServerFrame, seq: number): void {
    if (this.cursor !== undefined && seq <= this.cursor) return;
    if (this.cursor !== undefined && seq > this.cursor + 1) {
      this.resumeAfterGap(this.cursor);
      return;
    }
    this.cursor = seq;
    const meta: EventMeta = { seq, id: frame.id };
    this.handling = this.handling.then(async () => {
      const results = this.emitter.emit(frame.type, pushData(frame), meta, (error) =>
        this.emitError(error),
      );
      const settled = await Promise.allSettled(results);
      for (const result of settled) {
        if (result.status === 'rejected') this.emitError(result.reason);
      }
      this.handledSeq = Math.max(this.handledSeq, seq);
      this.scheduleAck();
    });
  }

  /** Asks the server to replay from `cursor`; frames past the gap are dropped meanwhile. */
  private resumeAfterGap(cursor: number): void {
    if (this.resumingAfterGap || this.socket?.readyState !== OPEN) return;
    this.resumingAfterGap = true;
    const data: ResumeRequestData = { lastSeq: cursor, epoch: this.logEpoch };
    this.socket.send(JSON.stringify({ type: 'resume', data }));
  }

  private onConnected(data: ConnectedData): void {
    this.currentState = 'open';
    this.clearTimer('stableTimer');
    this.stableTimer = setTimeout(() => {
      this.attempt = 0;
    }, this.options.reconnect.stableAfterMs);
    this.notify('open', data);
    this.startHeartbeat();
    for (const frame of this.queue.splice(0)) this.socket?.send(frame);
    for (const request of this.pending.values()) request.sent = true;
  }

  private onClosed(code: number, reason: string): void {
    const status = this.handshakeStatus;
    this.abandonSocket();
    if (status !== undefined && FINAL_HANDSHAKE_STATUSES.includes(status)) {
      this.failAll(new RealtimeClosedError(), true);
      this.setClosed(code, `handshake refused with HTTP ${status}`);
      return;
    }
    this.failAll(undefined, false);
    if (this.options.reconnect.enabled && closePolicy(code).reconnect) {
      this.scheduleReconnect(code, reason);
    } else {
      this.failAll(new RealtimeClosedError(), true);
      this.setClosed(code, reason);
    }
  }

  private scheduleReconnect(code: number, reason: string): void {
    this.clearReconnect();
    const environment = this.options.environment;
    const attempt = this.attempt++;
    if (environment !== null && !environment.isOnline()) {
      // No network: wait for the browser's `online` event instead of burning attempts.
      this.currentState = 'reconnecting';
      this.notify('reconnecting', { attempt, delayMs: null, code, reason });
      return;
    }
    let delayMs = fullJitterDelay(attempt, this.options.reconnect, this.options.random);
    if (environment !== null && environment.isHidden()) {
      // A background tab: throttled timers would fire in bursts, so retry at the cap (jittered
      // over its upper half) and come back at once when the tab is shown again.
      const cap = this.options.reconnect.capMs;
      delayMs = Math.max(delayMs, Math.floor(cap / 2 + (this.options.random() * cap) / 2));
    }
    this.currentState = 'reconnecting';
    this.notify('reconnecting', { attempt, delayMs, code, reason });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open();
    }, delayMs);
  }

  /** Reconnects now if the client is waiting to (back online, tab shown again). */
  private retryNow = (): void => {
    if (this.currentState !== 'reconnecting') return;
    this.clearReconnect();
    void this.open();
  };

  private onVisibility = (): void => {
    if (this.options.environment?.isHidden() === false) this.retryNow();
  };

  private onOffline = (): void => {
    // The socket may linger half-open for minutes; a heartbeat soon finds out.
    if (this.currentState === 'open') this.beat();
  };

  private attachEnvironment(): () => void {
    const environment = this.options.environment;
    if (environment === null) return () => undefined;
    environment.addEventListener('online', this.retryNow);
    environment.addEventListener('offline', this.onOffline);
    environment.visibility?.addEventListener('visibilitychange', this.onVisibility);
    return () => {
      environment.removeEventListener('online', this.retryNow);
      environment.removeEventListener('offline', this.onOffline);
      environment.visibility?.removeEventListener('visibilitychange', this.onVisibility);
    };
  }

  private startHeartbeat(): void {
    const heartbeat = this.options.heartbeat;
    if (heartbeat === false) return;
    this.clearTimer('heartbeatTimer');
    this.heartbeatTimer = setTimeout(() => this.beat(), heartbeat.intervalMs);
  }

  /**
   * Sends a ping and checks, `timeoutMs` later, that something arrived since. Counting any
   * frame, not the time between timers, keeps a throttled background tab from declaring a
   * healthy connection dead.
   */
  private beat(): void {
    const heartbeat = this.options.heartbeat;
    if (heartbeat === false || this.socket === undefined || this.currentState !== 'open') return;
    this.clearTimer('heartbeatTimer');
    this.receivedSincePing = false;
    this.socket.send('{"type":"ping"}');
    this.heartbeatTimer = setTimeout(() => {
      if (this.receivedSincePing) {
        this.heartbeatTimer = setTimeout(() => this.beat(), heartbeat.intervalMs);
        return;
      }
      this.abandonSocket();
      this.failAll(undefined, false);
      this.scheduleReconnect(HEARTBEAT_TIMEOUT.code, HEARTBEAT_TIMEOUT.reason);
    }, heartbeat.timeoutMs);
  }

  private scheduleAck(): void {
    if (this.ackTimer !== undefined) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.flushAck();
    }, this.options.ackDelayMs);
  }

  /** Sends one cumulative ack for everything handled, if the connection is open. */
  private flushAck(): void {
    this.clearTimer('ackTimer');
    if (this.handledSeq <= this.ackedSeq) return;
    if (this.currentState !== 'open' || this.socket?.readyState !== OPEN) return;
    this.socket.send(`{"type":"ack","data":{"seq":${this.handledSeq}}}`);
    this.ackedSeq = this.handledSeq;
  }

  private settleRequest(frame: ServerFrame): void {
    const request = this.pending.get(frame.replyTo!);
    if (request === undefined) return; // timed out already
    this.pending.delete(frame.replyTo!);
    clearTimeout(request.timer);
    if (frame.type === 'error') {
      const data = frame.data as ErrorFrameData;
      request.reject(new RealtimeRequestError(data.code, data.message, data.details));
      return;
    }
    if (frame.type === 'resume') this.onResumed(frame.data as ResumeData);
    request.resolve(frame.data);
  }

  /**
   * Rejects requests: with `error` given, every one (and the queue is emptied); without,
   * those that left on the lost connection.
   */
  private failAll(error: Error | undefined, includeQueued: boolean): void {
    for (const [id, request] of this.pending) {
      if (!includeQueued && !request.sent) continue;
      this.pending.delete(id);
      clearTimeout(request.timer);
      request.reject(error ?? new RealtimeConnectionLostError(request.type));
    }
    if (includeQueued) this.queue.length = 0;
  }

  /** Stops listening to the current socket (closing it if still open) and its timers. */
  private abandonSocket(code?: number, reason?: string): void {
    this.generation++;
    this.resumingAfterGap = false;
    this.clearTimer('heartbeatTimer');
    this.clearTimer('stableTimer');
    this.clearTimer('ackTimer');
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return;
    socket.onmessage = socket.onclose = socket.onopen = null;
    // Errors of a socket being torn down are expected; a handler must stay, or Node's ws would
    // raise them as unhandled 'error' events.
    socket.onerror = () => undefined;
    try {
      // Without a close code the peer is gone or dead: don't wait for a closing handshake.
      const terminate = (socket as { terminate?: () => void }).terminate;
      if (code === undefined && typeof terminate === 'function') terminate.call(socket);
      else socket.close(code, reason);
    } catch {
      // closing a socket that is still connecting can throw in some implementations
    }
  }

  private clearReconnect(): void {
    this.clearTimer('reconnectTimer');
  }

  private clearTimer(name: 'reconnectTimer' | 'stableTimer' | 'heartbeatTimer' | 'ackTimer'): void {
    const timer = this[name];
    if (timer !== undefined) clearTimeout(timer);
    this[name] = undefined;
  }

  private setClosed(code: number, reason: string): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.notify('closed', { code, reason });
  }

  private notify<K extends keyof ConnectionEvents>(event: K, payload: ConnectionEvents[K]): void {
    this.emitter.emit(event, payload, undefined, (error) => this.emitError(error));
  }

  /** Reports to `error` listeners; a throwing `error` listener is not reported again. */
  private emitError(error: unknown): void {
    const asError = error instanceof Error ? error : new Error(String(error));
    this.emitter.emit('error', asError);
  }
}

/** The `VALIDATION_FAILED` a server that predates epochs gives a cursor past the end of the log. */
function isCursorAhead(error: ErrorFrameData): boolean {
  return (
    error.code === 'VALIDATION_FAILED' &&
    Array.isArray(error.details) &&
    error.details.some(
      (detail: { field?: unknown; constraints?: Record<string, unknown> }) =>
        detail.field === 'lastSeq' && detail.constraints?.withinLog !== undefined,
    )
  );
}

/** What listeners get for a push: its data, a reminder firing in the current shape. */
function pushData(frame: ServerFrame): unknown {
  return frame.type === REMINDER_FIRING_TYPE ? currentReminderFiring(frame.data) : frame.data;
}
