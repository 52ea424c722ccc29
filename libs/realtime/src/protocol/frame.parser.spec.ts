import * as messages from '../realtime.messages';
import { InboundMessage } from '../messaging/inbound-message';
import { parseFrame } from './frame.parser';

describe('parseFrame', () => {
  it('parses a frame with type, data and id', () => {
    const parsed = parseFrame('{"type":"echo","data":{"a":1},"id":"r1"}');
    expect(parsed).toEqual({ ok: true, message: new InboundMessage('echo', { a: 1 }, 'r1') });
  });

  it('parses a frame with only a type', () => {
    expect(parseFrame('{"type":"ping"}')).toEqual({
      ok: true,
      message: new InboundMessage('ping', undefined, undefined),
    });
  });

  it.each([
    ['{', messages.notJson(), undefined],
    ['"text"', messages.notAFrame(), undefined],
    ['null', messages.notAFrame(), undefined],
    ['[]', messages.notAFrame(), undefined],
    ['{"type":""}', messages.notAFrame(), undefined],
    ['{"type":1,"id":"keep"}', messages.notAFrame(), 'keep'],
    ['{"type":"x","id":5}', messages.notAFrame(), undefined],
  ])('refuses %s with BAD_JSON', (text, message, replyTo) => {
    expect(parseFrame(text)).toEqual({ ok: false, error: { code: 'BAD_JSON', message }, replyTo });
  });
});
