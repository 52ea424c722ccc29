/** One message in a user's durable delivery log. */
export interface DeliveryLogEntry<T = unknown> {
  /** Unique id of the message (a UUID). */
  id: string;
  /** The recipient. */
  userId: string;
  /** Position in the recipient's log: 1, 2, 3, … with no gaps. */
  seq: number;
  /** Frame type the message is pushed as, e.g. `schedule-reminder`. */
  type: string;
  /** The frame's `data` (stored as JSON). */
  data: T;
  /** When it was written, ms since the epoch. */
  createdAt: number;
}

/** A message to append: the log gives it its `id`, `seq` and `createdAt`. */
export interface NewDeliveryLogEntry {
  userId: string;
  type: string;
  data: unknown;
  /** A caller-chosen id (for idempotent writes); a new UUID when absent. */
  id?: string;
  /**
   * What this entry is one of, e.g. `reminder:<id>:<dueAtMs>`: an entry whose key the user's
   * log already holds is not written again (and not returned), and a unique index refuses a
   * concurrent second write of it. Leave it out for ordinary entries.
   */
  dedupeKey?: string;
}

/** Where a user's log stands. */
export interface DeliveryLogHead {
  /** Highest seq written (0 when nothing was). */
  lastSeq: number;
  /** Highest seq the user acknowledged. */
  ackedSeq: number;
  /** Highest seq removed by retention; a cursor below it cannot be resumed. */
  prunedSeq: number;
}

/** What a resume from a cursor gets. */
export type DeliveryLogRead =
  | { kind: 'entries'; entries: DeliveryLogEntry[]; head: DeliveryLogHead }
  /** The cursor is older than what retention kept: the client must reload from REST. */
  | { kind: 'resync'; head: DeliveryLogHead };

/** How long entries are kept. Either limit (or both) may be set. */
export interface DeliveryLogRetention {
  /** Entries older than this many ms are removed. */
  maxAgeMs?: number;
  /** At most this many newest entries are kept per user. */
  maxEntriesPerUser?: number;
}

/** One acknowledgement: everything of `userId` up to `seq`. */
export interface DeliveryLogAck {
  userId: string;
  seq: number;
}
