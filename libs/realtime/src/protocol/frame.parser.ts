import * as messages from '../realtime.messages';
import { InboundMessage } from '../messaging/inbound-message';
import type { ErrorFrameData } from './frame.interface';
import { RealtimeErrorCode } from './realtime-codes';

/** The outcome of parsing one text frame: a message, or the error to answer with. */
export type ParsedFrame =
  | { ok: true; message: InboundMessage }
  | { ok: false; error: ErrorFrameData; replyTo: string | undefined };

/** Parses a text frame into an {@link InboundMessage}; never throws. */
export function parseFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return badJson(messages.notJson(), undefined);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badJson(messages.notAFrame(), undefined);
  }
  const frame = value as { type?: unknown; data?: unknown; id?: unknown };
  const id = typeof frame.id === 'string' ? frame.id : undefined;
  if (
    typeof frame.type !== 'string' ||
    frame.type === '' ||
    (frame.id !== undefined && id === undefined)
  ) {
    return badJson(messages.notAFrame(), id);
  }
  return { ok: true, message: new InboundMessage(frame.type, frame.data, id) };
}

/** The `BAD_JSON` outcome, answered to `replyTo` when the request's id could be read. */
export function badJson(message: string, replyTo: string | undefined): ParsedFrame {
  return { ok: false, error: { code: RealtimeErrorCode.BAD_JSON, message }, replyTo };
}
