import type {
  ClientFrame,
  ConnectedData,
  ErrorFrameData as WireErrorFrameData,
  ServerFrame,
} from '@nest-realtime/client';
import type { RealtimeErrorCode } from './realtime-codes';

// The frame shapes are defined once, in the client package (browser-safe, types only); the
// server names them here and narrows what only it knows.

/** A frame as clients send it: JSON text `{"type", "data"?, "id"?}`. */
export type InboundFrame = ClientFrame;

/** A frame as the server sends it. */
export interface OutboundFrame<T = unknown> extends ServerFrame {
  data?: T;
}

/** `data` of an `error` frame. */
export interface ErrorFrameData extends WireErrorFrameData {
  code: RealtimeErrorCode;
}

/** `data` of the `connected` frame sent when a connection opens. */
export type ConnectedFrameData = ConnectedData;
