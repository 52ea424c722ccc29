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

/** A committed entry, ready to be pushed: its frame is encoded on first use, and only once. */
export function sequencedFrameOf(entry: DeliveryLogEntry): SequencedFrame {
  return new CommittedEntry(entry);
}

/**
 * Lazy, because an entry of a user with no connection here (and no cluster to forward it to)
 * is never pushed: committing it should not cost its serialization.
 */
class CommittedEntry implements SequencedFrame {
  readonly userId: string;
  readonly seq: number;
  private encoded: PreparedFrame | undefined;

  constructor(private readonly entry: DeliveryLogEntry) {
    this.userId = entry.userId;
    this.seq = entry.seq;
  }

  get frame(): PreparedFrame {
    return (this.encoded ??= frameOf(this.entry));
  }
}
