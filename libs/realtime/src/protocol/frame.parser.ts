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
  const parsed = parseObject(text, messages.notAFrame);
  if (!parsed.ok) return parsed;
  const frame = parsed.object as { type?: unknown; data?: unknown; id?: unknown };
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
export function badJson(
  message: string,
  replyTo: string | undefined,
): Extract<ParsedFrame, { ok: false }> {
  return { ok: false, error: { code: RealtimeErrorCode.BAD_JSON, message }, replyTo };
}

/**
 * The JSON object a text frame holds, or the `BAD_JSON` outcome (with `notAnObject()` as its
 * text when the JSON is not an object).
 */
export function parseObject(
  text: string,
  notAnObject: () => string,
): { ok: true; object: Record<string, unknown> } | Extract<ParsedFrame, { ok: false }> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return badJson(messages.notJson(), undefined);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badJson(notAnObject(), undefined);
  }
  return { ok: true, object: value as Record<string, unknown> };
}
