import type { ErrorFrameData, OutboundFrame } from './frame.interface';

/**
 * Serializes a frame. Keys are written in a fixed order (type, then the others) so that frames
 * are easy to read in logs and stable to compare in tests.
 */
export function encodeFrame(frame: OutboundFrame): string {
  return JSON.stringify(frame);
}

/** Serializes an `error` frame. */
export function encodeError(error: ErrorFrameData, replyTo: string | undefined): string {
  const frame: OutboundFrame<ErrorFrameData> = { type: 'error', data: error };
  if (replyTo !== undefined) frame.replyTo = replyTo;
  return JSON.stringify(frame);
}

/** Serializes a reply to a request. */
export function encodeReply(type: string, data: unknown, replyTo: string | undefined): string {
  const frame: OutboundFrame = { type };
  if (data !== undefined) frame.data = data;
  if (replyTo !== undefined) frame.replyTo = replyTo;
  return JSON.stringify(frame);
}
