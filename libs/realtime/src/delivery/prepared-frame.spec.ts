import { PreparedFrame } from './prepared-frame';

describe('PreparedFrame', () => {
  const json = JSON.stringify({ type: 'note', data: { text: 'ü€'.repeat(100) } });

  it('encodes JSON in place: the payload is a view of the wire bytes, behind the header', () => {
    const frame = PreparedFrame.fromJson(json);
    expect(frame.payload.toString()).toBe(json);
    expect(frame.wireBytes.subarray(frame.wireBytes.length - frame.payload.length)).toEqual(
      frame.payload,
    );
    expect(frame.payload.buffer).toBe(frame.wireBytes.buffer);
  });

  it('rebuilds the same wire bytes from a payload alone (what a cluster bus carries)', () => {
    const rebuilt = PreparedFrame.fromPayload(Buffer.from(json));
    expect(rebuilt.wireBytes.equals(PreparedFrame.fromJson(json).wireBytes)).toBe(true);
    expect(rebuilt.wireBytes).toBe(rebuilt.wireBytes);
  });
});
