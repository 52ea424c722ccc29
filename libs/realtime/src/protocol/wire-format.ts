import { encodeError } from './frame.codec';
import type { ErrorFrameData } from './frame.interface';

/**
 * How a gateway's connections speak:
 * - `'realtime'`: this module's frames, `{"type", "data"?, "id"?}` in and
 *   `{"type", "data"?, "replyTo"?, "seq"?, "id"?}` out;
 * - `'nest'`: `@nestjs/platform-ws`'s `{"event", "data"}`, both ways, with no request ids; errors
 *   are `exception` events.
 */
export type RealtimeWireFormat = 'realtime' | 'nest';

const WIRE_FORMATS: ReadonlySet<unknown> = new Set<RealtimeWireFormat>(['realtime', 'nest']);

/** Whether `value` names a wire format. */
export function isWireFormat(value: unknown): value is RealtimeWireFormat {
  return WIRE_FORMATS.has(value);
}

/** How every encoded frame of this module starts (`encodeFrame` writes `type` first). */
const TYPE_KEY = '{"type":';
const EVENT_KEY = '{"event":';

/**
 * A frame of this module in the `'nest'` format: the same JSON with its leading `type` key
 * renamed `event`. Frames are encoded with `type` first, so this is one string copy, not a parse.
 */
export function toNestFrame(json: string): string {
  return json.startsWith(TYPE_KEY) ? EVENT_KEY + json.slice(TYPE_KEY.length) : json;
}

const TYPE_KEY_BYTES = Buffer.from(TYPE_KEY);
const EVENT_KEY_BYTES = Buffer.from(EVENT_KEY);

/** {@link toNestFrame} for an encoded payload (a fan-out's, shared by its recipients). */
export function toNestPayload(payload: Buffer): Buffer {
  const length = TYPE_KEY_BYTES.length;
  if (payload.length < length || payload.compare(TYPE_KEY_BYTES, 0, length, 0, length) !== 0) {
    return payload;
  }
  return Buffer.concat([EVENT_KEY_BYTES, payload.subarray(TYPE_KEY_BYTES.length)]);
}

/** What a failed message or connection hook was about, as Nest's `exception` payload names it. */
export interface ExceptionCause {
  /** The message's event, or `'handleConnection'` for a connection hook. */
  pattern: string;
  /** The message's data, when there was a message. */
  data?: unknown;
}

/** `data` of an `exception` event (the `'nest'` format's error frame). */
export interface NestExceptionData {
  status: 'error';
  message: string;
  code: ErrorFrameData['code'];
  details?: unknown;
  cause?: ExceptionCause;
}

/**
 * An error in the `'nest'` format: Nest's `exception` event (`{status: 'error', message, cause}`,
 * as its `BaseWsExceptionFilter` builds it), with this module's stable `code` (and `details`).
 */
export function encodeNestException(
  error: ErrorFrameData,
  cause: ExceptionCause | undefined,
): string {
  const data: NestExceptionData = { status: 'error', message: error.message, code: error.code };
  if (error.details !== undefined) data.details = error.details;
  if (cause !== undefined) data.cause = cause;
  return JSON.stringify({ event: 'exception', data });
}

/**
 * An error as a connection of either format gets it: an `error` frame answering `replyTo`, or
 * in the `'nest'` format an `exception` event about `cause`.
 */
export function encodeErrorIn(
  nestFrames: boolean,
  error: ErrorFrameData,
  replyTo: string | undefined,
  cause: ExceptionCause | undefined,
): string {
  return nestFrames ? encodeNestException(error, cause) : encodeError(error, replyTo);
}

/** A `WsResponse`: `{ event, data }`, the value a handler returns to send an event of its choice. */
export interface EventResponse {
  event: string;
  data: unknown;
}

/** Whether a handler's value is a `WsResponse` (an object with a string `event` and a `data` key). */
export function isEventResponse(value: unknown): value is EventResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { event?: unknown }).event === 'string' &&
    'data' in value
  );
}
