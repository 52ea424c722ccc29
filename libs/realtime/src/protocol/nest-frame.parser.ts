import * as messages from '../realtime.messages';
import { InboundMessage } from '../messaging/inbound-message';
import { badJson, parseObject, type ParsedFrame } from './frame.parser';

/**
 * Parses a text frame of the `'nest'` wire format, `{"event": string, "data"?: any}` as
 * `@nestjs/platform-ws` reads it (other keys are ignored; there are no request ids). Never
 * throws: what is not such a frame is a `BAD_JSON` outcome (Nest's adapter drops it silently).
 */
export function parseNestFrame(text: string): ParsedFrame {
  const parsed = parseObject(text, messages.notANestFrame);
  if (!parsed.ok) return parsed;
  const frame = parsed.object as { event?: unknown; data?: unknown };
  if (typeof frame.event !== 'string' || frame.event === '') {
    return badJson(messages.notANestFrame(), undefined);
  }
  return { ok: true, message: new InboundMessage(frame.event, frame.data, undefined) };
}
