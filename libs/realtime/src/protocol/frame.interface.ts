import type { RealtimeErrorCode } from './realtime-codes';

/** A frame as clients send it: JSON text `{"type", "data"?, "id"?}`. */
export interface InboundFrame {
  /** Routes the frame to the handler subscribed to this type. */
  type: string;
  /** The payload, validated against the handler's DTO. */
  data?: unknown;
  /** Set it to get a reply (or an error) that carries it back as `replyTo`. */
  id?: string;
}

/** A frame as the server sends it. */
export interface OutboundFrame<T = unknown> {
  type: string;
  data?: T;
  /** The `id` of the request this frame answers. */
  replyTo?: string;
  /** Position in the recipient's durable log, on durable messages only. */
  seq?: number;
  /** Unique id of a durable message. */
  id?: string;
}

/** `data` of an `error` frame. */
export interface ErrorFrameData {
  code: RealtimeErrorCode;
  message: string;
  details?: unknown;
}

/** `data` of the `connected` frame sent when a connection opens. */
export interface ConnectedFrameData {
  connectionId: string;
  userId: string;
  heartbeatIntervalMs: number;
}
