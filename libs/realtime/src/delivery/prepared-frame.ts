import { encodeTextFrame } from '../protocol/websocket-frame';

/**
 * One pushed message as every recipient gets it: the JSON payload, serialized once, and the
 * complete WebSocket frame around it, built on first use and then shared by every socket the
 * fan-out writes to directly.
 */
export class PreparedFrame {
  private wire: Buffer | undefined = undefined;

  constructor(readonly payload: Buffer) {}

  /** Header and payload as they go on the wire (unmasked, uncompressed, one text frame). */
  get wireBytes(): Buffer {
    return (this.wire ??= encodeTextFrame(this.payload));
  }
}
