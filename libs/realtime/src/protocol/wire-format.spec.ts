import { encodeFrame } from './frame.codec';
import { RealtimeErrorCode } from './realtime-codes';
import {
  encodeNestException,
  isEventResponse,
  isWireFormat,
  toNestFrame,
  toNestPayload,
} from './wire-format';

describe('wire formats', () => {
  it("renames the leading type key, and nothing else, for the 'nest' format", () => {
    const frame = encodeFrame({ type: 'news', seq: 3, id: 'e1', data: { type: 'inner' } });
    const nest = '{"event":"news","seq":3,"id":"e1","data":{"type":"inner"}}';
    expect(toNestFrame(frame)).toBe(nest);
    expect(toNestPayload(Buffer.from(frame)).toString()).toBe(nest);
    // Already in Nest's shape (or not a frame of this module): left as it is.
    expect(toNestFrame('{"event":"exception"}')).toBe('{"event":"exception"}');
    const other = Buffer.from('[1]');
    expect(toNestPayload(other)).toBe(other);
  });

  it("encodes errors as Nest's exception event with the module's code", () => {
    const error = { code: RealtimeErrorCode.NOT_FOUND, message: 'No such thing.' };
    expect(JSON.parse(encodeNestException(error, undefined))).toEqual({
      event: 'exception',
      data: { status: 'error', message: 'No such thing.', code: 'NOT_FOUND' },
    });
    expect(
      JSON.parse(
        encodeNestException({ ...error, details: [1] }, { pattern: 'find', data: { id: 7 } }),
      ),
    ).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        message: 'No such thing.',
        code: 'NOT_FOUND',
        details: [1],
        cause: { pattern: 'find', data: { id: 7 } },
      },
    });
  });

  it('recognises a WsResponse: a string event and a data key', () => {
    expect(isEventResponse({ event: 'pop', data: undefined })).toBe(true);
    expect(isEventResponse({ event: 'pop' })).toBe(false);
    expect(isEventResponse({ event: 1, data: 1 })).toBe(false);
    expect(isEventResponse('pop')).toBe(false);
    expect(isEventResponse(null)).toBe(false);
  });

  it('knows its two formats', () => {
    expect(isWireFormat('realtime')).toBe(true);
    expect(isWireFormat('nest')).toBe(true);
    expect(isWireFormat('socket.io')).toBe(false);
  });
});
