/**
 * What a {@link RealtimeMessageParser} receives for one inbound WebSocket message: a text frame
 * as a `string`, a binary frame as a `Buffer` (the adapter's sockets use `ws`'s default
 * `binaryType`, and fragments arrive joined). A parser written for `@nestjs/platform-ws`, whose
 * `WsData` also allows `ArrayBuffer` and `Buffer[]`, accepts this as it is.
 */
export type RealtimeWsData = string | Buffer;

/**
 * What a {@link RealtimeMessageParser} returns for a message it could read. Both shapes are
 * accepted:
 *
 * - Nest's `{ event, data }` (as `@nestjs/platform-ws`'s `WsMessageParser` returns): `event`
 *   becomes the message type;
 * - this module's own frame shape `{ type, data?, id? }`: a string `id` makes it a request, so
 *   the reply (or error) carries it as `replyTo`.
 *
 * The name (`type`, or else `event`) must be a non-empty string and `id`, when present, a string.
 * Names are routed like those of JSON frames: to the gateway's `@SubscribeMessage()` handlers and
 * to the built-in types (`ping`, `join`, `leave`, `ack`, `resume`; `$binary` for a handler of
 * binary frames).
 */
export type RealtimeParsedMessage =
  | { readonly event: string; readonly data?: unknown; readonly id?: string }
  | { readonly type: string; readonly data?: unknown; readonly id?: string };

/**
 * Reads one inbound message in a wire format of your own, like `@nestjs/platform-ws`'s
 * `WsMessageParser` (one written for it can be passed as it is). It runs synchronously for every
 * text and binary frame of every connection, in the order they arrive.
 *
 * Throwing, or returning anything that is not a {@link RealtimeParsedMessage} (`undefined`,
 * `null`, a message without a name…), answers the client with a `BAD_JSON` error frame; the
 * connection stays open and the frame counts against the rate limit like any other. (Nest's
 * adapter drops such a frame silently instead.)
 *
 * @example
 * ```ts
 * // `event|json` text frames, e.g. `echo|{"text":"hi"}`
 * const pipeParser: RealtimeMessageParser = (data) => {
 *   const text = data.toString();
 *   const bar = text.indexOf('|');
 *   if (bar < 1) return undefined; // answered with BAD_JSON
 *   return { event: text.slice(0, bar), data: JSON.parse(text.slice(bar + 1)) as unknown };
 * };
 * ```
 */
export type RealtimeMessageParser = (
  data: RealtimeWsData,
) => RealtimeParsedMessage | null | undefined | void;
