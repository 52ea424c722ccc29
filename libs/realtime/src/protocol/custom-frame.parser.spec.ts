import * as messages from '../realtime.messages';
import { InboundMessage } from '../messaging/inbound-message';
import { parseWithMessageParser } from './custom-frame.parser';
import type { RealtimeMessageParser, RealtimeWsData } from './message-parser.interface';

const returning =
  (value: unknown): RealtimeMessageParser =>
  () =>
    value as ReturnType<RealtimeMessageParser>;

describe('parseWithMessageParser', () => {
  it("maps Nest's { event, data } to a message of that type, without id", () => {
    const parsed = parseWithMessageParser(returning({ event: 'echo', data: { a: 1 } }), 'x');
    expect(parsed).toEqual({ ok: true, message: new InboundMessage('echo', { a: 1 }, undefined) });
  });

  it('takes { type, data, id } as a request', () => {
    const parsed = parseWithMessageParser(returning({ type: 'echo', data: 2, id: 'r1' }), 'x');
    expect(parsed).toEqual({ ok: true, message: new InboundMessage('echo', 2, 'r1') });
  });

  it('prefers type over event when a result has both', () => {
    const parsed = parseWithMessageParser(returning({ type: 'a', event: 'b' }), 'x');
    expect(parsed).toEqual({ ok: true, message: new InboundMessage('a', undefined, undefined) });
  });

  it('passes text as a string and binary as the Buffer itself', () => {
    const seen: RealtimeWsData[] = [];
    const parser: RealtimeMessageParser = (data) => {
      seen.push(data);
      return { event: 'x' };
    };
    const bytes = Buffer.from([1, 2, 3]);
    parseWithMessageParser(parser, 'text');
    parseWithMessageParser(parser, bytes);
    expect(seen[0]).toBe('text');
    expect(seen[1]).toBe(bytes);
  });

  it('turns a throwing parser into BAD_JSON without replyTo', () => {
    const parser: RealtimeMessageParser = () => {
      throw new Error('parser internals');
    };
    expect(parseWithMessageParser(parser, 'x')).toEqual({
      ok: false,
      error: { code: 'BAD_JSON', message: messages.messageParserFailed() },
      replyTo: undefined,
    });
  });

  it.each([
    ['undefined', undefined, undefined],
    ['null', null, undefined],
    ['a string', 'echo', undefined],
    ['an array', [{ event: 'echo' }], undefined],
    ['an object without a name', { data: 1 }, undefined],
    ['an empty name', { event: '' }, undefined],
    ['a numeric type, keeping a string id', { type: 1, id: 'keep' }, 'keep'],
    ['a numeric id', { type: 'echo', id: 5 }, undefined],
    ['a promise', Promise.resolve({ event: 'echo' }), undefined],
  ])('refuses %s with BAD_JSON', (_name, value, replyTo) => {
    expect(parseWithMessageParser(returning(value), 'x')).toEqual({
      ok: false,
      error: { code: 'BAD_JSON', message: messages.notAParsedMessage() },
      replyTo,
    });
  });
});
