import type { BackoffOptions } from './backoff';

/**
 * An event handler property. Declared through a method so that its parameter is checked
 * bivariantly: the browser's and `ws`'s handlers take richer event types than the client reads.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of a WebSocket the client uses: the browser's `WebSocket` and Node's `ws` both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket class. With `headers` from {@link RealtimeClientOptions.auth} it is called as
 * `new WebSocket(url, { headers })`, which Node's `ws` understands and browsers do not.
 */
export type WebSocketConstructorLike = new (
  url: string,
  options?: { headers: Record<string, string> },
) => WebSocketLike;

/** Credentials for one connection attempt. */
export interface RealtimeAuth {
  /** Added to the URL's query, e.g. `{ ticket }` from `POST /auth/ws-ticket` (browsers). */
  query?: Record<string, string>;
  /** Sent as upgrade request headers, e.g. `{ authorization: 'Bearer …' }` (Node `ws` only). */
  headers?: Record<string, string>;
}

/** Browser hooks the client listens to; taken from `globalThis` when it has them. */
export interface BrowserEnvironment {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  /** `navigator.onLine`: `false` means no network, so no attempt is made until `online`. */
  isOnline(): boolean;
  /** `document.visibilityState === 'hidden'`: a background tab retries slowly. */
  isHidden(): boolean;
  /** Where `visibilitychange` is observed (the document). */
  visibility?: Pick<BrowserEnvironment, 'addEventListener' | 'removeEventListener'>;
}

/** Options of {@link RealtimeClient}. */
export interface RealtimeClientOptions {
  /** The endpoint, e.g. `wss://example.com/ws`. */
  url: string;
  /**
   * Called before every connection attempt, so that tokens and one-time tickets are fresh each
   * time. If it throws, the attempt counts as failed and is retried with backoff.
   */
  auth?: () => RealtimeAuth | Promise<RealtimeAuth>;
  /** The WebSocket implementation: `globalThis.WebSocket` by default; pass `ws` in Node. */
  WebSocket?: WebSocketConstructorLike;
  /** Reconnect backoff and policy. */
  reconnect?: Partial<ReconnectOptions>;
  /** Application-level heartbeat; `false` turns it off. */
  heartbeat?: Partial<HeartbeatOptions> | false;
  /** Messages `send`/`request` may queue while disconnected. Default `100`. */
  offlineQueueSize?: number;
  /** Default timeout of {@link RealtimeClient.request}, ms. Default `10000`. */
  requestTimeoutMs?: number;
  /**
   * How long after a durable message's handler returns the cumulative ack is sent, ms, so that
   * a burst is acknowledged once. Default `0` (the next timer turn).
   */
  ackDelayMs?: number;
  /** The last durable `seq` this client already has (persisted by the app), to resume after. */
  lastSeq?: number;
  /**
   * The log's epoch that `lastSeq` belongs to ({@link RealtimeClient.epoch}, persisted with it),
   * so that a server whose log was reset or restored answers `resync` instead of a wrong
   * catch-up. Only with `lastSeq`; without it, only the cursor's position is checked.
   */
  epoch?: string;
  /** Connect in the constructor. Default `true`. */
  autoConnect?: boolean;
  /** Randomness of the backoff jitter, `[0, 1)`. Default `Math.random`. */
  random?: () => number;
  /** Browser events (online/offline, visibility). Default: `globalThis` when it is a browser. */
  environment?: BrowserEnvironment | null;
}

/** Reconnect settings. */
export interface ReconnectOptions extends BackoffOptions {
  /** Whether to reconnect at all. Default `true`. */
  enabled: boolean;
  /** A connection open this long resets the backoff, ms. Default `5000`. */
  stableAfterMs: number;
}

/** Heartbeat settings. */
export interface HeartbeatOptions {
  /** A `ping` is sent this long after the last one, ms. Default `25000`. */
  intervalMs: number;
  /** Nothing received this long after a ping means the connection is dead, ms. Default `10000`. */
  timeoutMs: number;
}

/** Options with every default applied. */
export interface ResolvedClientOptions {
  url: string;
  auth: () => RealtimeAuth | Promise<RealtimeAuth>;
  WebSocket: WebSocketConstructorLike;
  reconnect: ReconnectOptions;
  heartbeat: HeartbeatOptions | false;
  offlineQueueSize: number;
  requestTimeoutMs: number;
  ackDelayMs: number;
  lastSeq: number | undefined;
  epoch: string | undefined;
  autoConnect: boolean;
  random: () => number;
  environment: BrowserEnvironment | null;
}

/** @throws TypeError for an option that cannot work. */
export function resolveClientOptions(options: RealtimeClientOptions): ResolvedClientOptions {
  const WebSocketClass =
    options.WebSocket ??
    (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket ??
    undefined;
  if (WebSocketClass === undefined) {
    throw new TypeError('No WebSocket implementation: pass one as `WebSocket` (in Node, `ws`).');
  }
  if (!/^wss?:\/\//.test(options.url)) {
    throw new TypeError(`url must start with ws:// or wss://, got "${options.url}".`);
  }
  const reconnect: ReconnectOptions = {
    enabled: true,
    baseMs: 500,
    capMs: 20_000,
    stableAfterMs: 5_000,
    ...options.reconnect,
  };
  if (!(reconnect.baseMs > 0 && reconnect.capMs >= reconnect.baseMs)) {
    throw new TypeError('reconnect needs 0 < baseMs <= capMs.');
  }
  checkCursor(options.lastSeq, options.epoch);
  const heartbeat =
    options.heartbeat === false
      ? false
      : { intervalMs: 25_000, timeoutMs: 10_000, ...options.heartbeat };
  return {
    url: options.url,
    auth: options.auth ?? (() => ({})),
    WebSocket: WebSocketClass,
    reconnect,
    heartbeat,
    offlineQueueSize: options.offlineQueueSize ?? 100,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    ackDelayMs: options.ackDelayMs ?? 0,
    lastSeq: options.lastSeq,
    epoch: options.epoch,
    autoConnect: options.autoConnect ?? true,
    random: options.random ?? Math.random,
    environment: options.environment === undefined ? browserEnvironment() : options.environment,
  };
}

/**
 * What a server accepts as a log epoch (1–64 characters of `A–Z a–z 0–9 _ -`). The client
 * keeps only epochs of this form, so that it never sends one the server refuses with 400.
 */
export const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `value` is an epoch the client keeps and sends. */
export function isEpoch(value: unknown): value is string {
  return typeof value === 'string' && EPOCH_PATTERN.test(value);
}

/**
 * A persisted cursor the server would refuse at the handshake with 400, after which the client
 * stops for good, fails here instead, where the app can see it.
 *
 * @throws TypeError for a `lastSeq` that is not a non-negative integer, or an `epoch` that is
 *   malformed or comes without `lastSeq`.
 */
function checkCursor(lastSeq: number | undefined, epoch: string | undefined): void {
  if (lastSeq !== undefined && !(Number.isSafeInteger(lastSeq) && lastSeq >= 0)) {
    throw new TypeError(`lastSeq must be a non-negative integer, got ${String(lastSeq)}.`);
  }
  if (epoch === undefined) return;
  if (!isEpoch(epoch)) {
    throw new TypeError(
      `epoch must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -, got "${String(epoch)}".`,
    );
  }
  if (lastSeq === undefined) throw new TypeError('epoch needs the lastSeq it belongs to.');
}

/** The page's own online/offline and visibility signals, or `null` outside a browser. */
function browserEnvironment(): BrowserEnvironment | null {
  const page = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    navigator?: { onLine?: boolean };
    document?: {
      visibilityState?: string;
      addEventListener(type: string, listener: () => void): void;
      removeEventListener(type: string, listener: () => void): void;
    };
  };
  const { addEventListener, removeEventListener, document } = page;
  if (addEventListener === undefined || removeEventListener === undefined) return null;
  return {
    addEventListener: (type, listener) => addEventListener.call(page, type, listener),
    removeEventListener: (type, listener) => removeEventListener.call(page, type, listener),
    isOnline: () => page.navigator?.onLine !== false,
    isHidden: () => document?.visibilityState === 'hidden',
    visibility: document,
  };
}
