import * as messages from '../realtime.messages';
import { InboundMessage } from '../messaging/inbound-message';
import { badJson, type ParsedFrame } from './frame.parser';
import type { RealtimeMessageParser, RealtimeWsData } from './message-parser.interface';

/**
 * Reads one inbound message with an application's {@link RealtimeMessageParser}; never throws.
 * What the parser throws or returns that is not a message becomes a `BAD_JSON` outcome, with
 * `replyTo` only when the parser's result carried a string `id`.
 */
export function parseWithMessageParser(
  parser: RealtimeMessageParser,
  data: RealtimeWsData,
): ParsedFrame {
  try {
    const result: unknown = parser(data);
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return badJson(messages.notAParsedMessage(), undefined);
    }
    const { type, event, id, data: body } = result as Record<string, unknown>;
    const name = type !== undefined ? type : event;
    const replyTo = typeof id === 'string' ? id : undefined;
    if (typeof name !== 'string' || name === '' || (id !== undefined && replyTo === undefined)) {
      return badJson(messages.notAParsedMessage(), replyTo);
    }
    return { ok: true, message: new InboundMessage(name, body, replyTo) };
  } catch {
    // The parser's error is about the client's input (or the parser itself): neither is the
    // client's business beyond "unreadable", and input errors are not worth a log line each.
    return badJson(messages.messageParserFailed(), undefined);
  }
}
