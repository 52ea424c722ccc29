/** FIN bit set, opcode 1: one complete text message in a single frame. */
const FIN_TEXT = 0x81;

/**
 * Builds the complete unmasked server-to-client WebSocket frame (RFC 6455 §5.2) carrying
 * `payload` as one text message, header and payload in one buffer, so that a fan-out builds it
 * once and writes the very same bytes to every socket with one write each.
 */
export function encodeTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
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
  payload.copy(frame, headerLength);
  return frame;
}
