import * as messages from '../realtime.messages';
import { InboundMessage } from '../messaging/inbound-message';
import { RealtimeErrorCode } from './realtime-codes';
import { parseNestFrame } from './nest-frame.parser';

describe('parseNestFrame', () => {
  it('reads {event, data} and ignores other keys: the format has no request ids', () => {
    expect(parseNestFrame('{"event":"push","data":{"a":1},"id":"r1"}')).toEqual({
      ok: true,
      message: new InboundMessage('push', { a: 1 }, undefined),
    });
  });

  it.each([
    ['{', messages.notJson()],
    ['[1]', messages.notANestFrame()],
    ['{"type":"push"}', messages.notANestFrame()],
    ['{"event":""}', messages.notANestFrame()],
    ['{"event":7}', messages.notANestFrame()],
  ])('answers %s with BAD_JSON', (text, message) => {
    expect(parseNestFrame(text)).toEqual({
      ok: false,
      error: { code: RealtimeErrorCode.BAD_JSON, message },
      replyTo: undefined,
    });
  });
});
