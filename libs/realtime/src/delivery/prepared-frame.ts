import { encodeTextFrame, encodeTextFrameFromString } from '../protocol/websocket-frame';
import { toNestPayload } from '../protocol/wire-format';

/**
 * One pushed message as every recipient gets it, encoded once per publish: the JSON payload and
 * the complete WebSocket frame around it, shared by every socket the fan-out writes to directly.
 * A cluster bus carries {@link payload} to other instances, which rebuild it with
 * {@link PreparedFrame.fromPayload}.
 */
export class PreparedFrame {
  /** The same frame in the `'nest'` wire format, built on first use (once per fan-out). */
  private nest: PreparedFrame | undefined = undefined;

  private constructor(
    /** The encoded JSON frame `{"type", …}`. */
    readonly payload: Buffer,
    private wire: Buffer | undefined,
  ) {}

  /** From a serialized frame: the header and the JSON encoded into one buffer at once. */
  static fromJson(json: string): PreparedFrame {
    const { frame, payload } = encodeTextFrameFromString(json);
    return new PreparedFrame(payload, frame);
  }

  /** From the payload bytes; the wire frame is built on first use. */
  static fromPayload(payload: Buffer): PreparedFrame {
    return new PreparedFrame(payload, undefined);
  }

  /** This frame as connections in the `'nest'` wire format get it: `{"event", …}`. */
  get nestFrame(): PreparedFrame {
    return (this.nest ??= PreparedFrame.fromPayload(toNestPayload(this.payload)));
  }

  /** Header and payload as they go on the wire (unmasked, uncompressed, one text frame). */
  get wireBytes(): Buffer {
    return (this.wire ??= encodeTextFrame(this.payload));
  }
}
