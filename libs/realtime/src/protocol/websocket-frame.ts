/** FIN bit set, opcode 1: one complete text message in a single frame. */
const FIN_TEXT = 0x81;

/** Bytes of the unmasked frame header for a payload of `length` bytes (RFC 6455 §5.2). */
export function textFrameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes the header of an unmasked, final text frame carrying `length` bytes at `frame[0]`. */
export function writeTextFrameHeader(frame: Buffer, length: number): void {
  frame[0] = FIN_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    // 64-bit length; payloads are far below 2^53, so two 32-bit halves are exact.
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/**
 * Builds the complete unmasked server-to-client WebSocket frame carrying `payload` as one text
 * message, header and payload in one buffer, so that a fan-out builds it once and writes the
 * very same bytes to every socket with one write each.
 */
export function encodeTextFrame(payload: Buffer): Buffer {
  const headerLength = textFrameHeaderLength(payload.length);
  const frame = Buffer.allocUnsafe(headerLength + payload.length);
  writeTextFrameHeader(frame, payload.length);
  payload.copy(frame, headerLength);
  return frame;
}

/**
 * Builds the frame for a JSON text directly: one allocation, the text encoded once into place
 * behind the header. Returns the frame and its payload (a view into it).
 */
export function encodeTextFrameFromString(text: string): { frame: Buffer; payload: Buffer } {
  const length = Buffer.byteLength(text);
  const headerLength = textFrameHeaderLength(length);
  const frame = Buffer.allocUnsafe(headerLength + length);
  writeTextFrameHeader(frame, length);
  frame.write(text, headerLength);
  return { frame, payload: frame.subarray(headerLength) };
}
