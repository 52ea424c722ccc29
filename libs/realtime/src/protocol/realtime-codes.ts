/**
 * The catalogue of what the server may answer: error codes carried by `error` frames, and the
 * WebSocket close codes it closes connections with. Both are part of the wire protocol
 * (docs/protocol.md): values never change meaning once released.
 */

/** `data.code` of an `error` frame. The connection stays open after each of these. */
export const RealtimeErrorCode = {
  /** The frame is not JSON, or not an object with a string `type` (and a string `id`, if any). */
  BAD_JSON: 'BAD_JSON',
  /** No handler subscribes to the frame's `type`. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** `data` failed validation; `details` lists each field with its failed constraints. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** A guard refused the message, or the room is not open to this user. */
  FORBIDDEN: 'FORBIDDEN',
  /** What the message refers to does not exist (or is not visible to this user). */
  NOT_FOUND: 'NOT_FOUND',
  /** The message conflicts with the current state. */
  CONFLICT: 'CONFLICT',
  /** The handler refused the message for a reason of its own (a `WsException` with text). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Over the per-connection message rate; `details.retryAfterMs` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The connection is already in `maxRoomsPerConnection` rooms: leave one before joining another. */
  TOO_MANY_ROOMS: 'TOO_MANY_ROOMS',
  /** A binary frame reached an endpoint with no binary handler. */
  BINARY_NOT_ACCEPTED: 'BINARY_NOT_ACCEPTED',
  /** The server failed; the text is generic and the cause is in the server's log. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of {@link RealtimeErrorCode}'s values. */
export type RealtimeErrorCode = (typeof RealtimeErrorCode)[keyof typeof RealtimeErrorCode];

/** What a client should do after a close code. */
export interface CloseCodeDescription {
  /** The numeric close code. */
  code: number;
  /** Short name, as used in the close reason. */
  name: string;
  /** What it means. */
  meaning: string;
  /** Whether a client should reconnect (with backoff) after it. */
  reconnect: boolean;
}

/** Close codes the server uses: RFC 6455 codes where one fits, 4000–4999 for its own. */
export const RealtimeCloseCode = {
  /** The server is shutting down or restarting. */
  GOING_AWAY: 1001,
  /** A policy was broken: the credential expired or was revoked, or the rate limit was abused. */
  POLICY_VIOLATION: 1008,
  /** An inbound frame was larger than `maxPayloadBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** The server failed while serving this connection. */
  INTERNAL_ERROR: 1011,
  /** The server is overloaded. */
  TRY_AGAIN_LATER: 1013,
  /** The client read too slowly: more than `maxBufferedBytes` waited in its send buffer. */
  SLOW_CONSUMER: 4008,
} as const;

/** One of {@link RealtimeCloseCode}'s values. */
export type RealtimeCloseCode = (typeof RealtimeCloseCode)[keyof typeof RealtimeCloseCode];

/** Every close code with its meaning and reconnect advice, for docs and clients. */
export const CLOSE_CODE_CATALOGUE: readonly CloseCodeDescription[] = [
  {
    code: RealtimeCloseCode.GOING_AWAY,
    name: 'going away',
    meaning: 'The server is shutting down or restarting.',
    reconnect: true,
  },
  {
    code: RealtimeCloseCode.POLICY_VIOLATION,
    name: 'policy violation',
    meaning:
      'The credential expired (reason "credential expired"), the user was signed out everywhere (reason "signed out"), the client kept sending over the rate limit (reason "rate limit exceeded"), or the gateway\'s handleConnection refused the connection (reason "connection refused", after an error frame saying why). Reconnect with a fresh credential and a slower pace.',
    reconnect: true,
  },
  {
    code: RealtimeCloseCode.MESSAGE_TOO_BIG,
    name: 'message too big',
    meaning: 'A frame exceeded maxPayloadBytes. Do not resend it.',
    reconnect: true,
  },
  {
    code: RealtimeCloseCode.INTERNAL_ERROR,
    name: 'internal error',
    meaning: 'The server failed while serving this connection.',
    reconnect: true,
  },
  {
    code: RealtimeCloseCode.TRY_AGAIN_LATER,
    name: 'try again later',
    meaning: 'The server is overloaded; reconnect after a backoff.',
    reconnect: true,
  },
  {
    code: RealtimeCloseCode.SLOW_CONSUMER,
    name: 'slow consumer',
    meaning: 'More than maxBufferedBytes waited unsent: the client did not read fast enough.',
    reconnect: true,
  },
];

/** Close reasons sent with the codes above (at most 123 bytes each, per RFC 6455). */
export const RealtimeCloseReason = {
  SHUTDOWN: 'server shutting down',
  CREDENTIAL_EXPIRED: 'credential expired',
  SIGNED_OUT: 'signed out',
  RATE_LIMIT_EXCEEDED: 'rate limit exceeded',
  CONNECTION_REFUSED: 'connection refused',
  SLOW_CONSUMER: 'slow consumer',
  INTERNAL: 'internal error',
} as const;
