import { PreparedFrame } from '../delivery/prepared-frame';
import { encodeFrame } from '../protocol/frame.codec';
import type { DeliveryLogEntry } from './delivery-log-entry.interface';

/**
 * A durable entry on its way to live connections: whose log it is in, where, and its frame
 * encoded once for every socket (and, in a cluster, for every instance: the bus carries the
 * frame's payload, not the entry).
 */
export interface SequencedFrame {
  readonly userId: string;
  readonly seq: number;
  readonly frame: PreparedFrame;
}

/** The frame of a durable entry: `{"type", "seq", "id", "data"}`. */
export function frameOf(entry: DeliveryLogEntry): PreparedFrame {
  return PreparedFrame.fromJson(
    encodeFrame({ type: entry.type, seq: entry.seq, id: entry.id, data: entry.data }),
  );
}

/** A committed entry, ready to be pushed. */
export function sequencedFrameOf(entry: DeliveryLogEntry): SequencedFrame {
  return { userId: entry.userId, seq: entry.seq, frame: frameOf(entry) };
}
