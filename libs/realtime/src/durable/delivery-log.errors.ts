/** An ack names a seq the user's log does not have. Nothing was changed. */
export class AckBeyondLogError extends Error {
  constructor(
    readonly seq: number,
    readonly lastSeq: number,
  ) {
    super(`Cannot acknowledge seq ${seq}: the log ends at ${lastSeq}.`);
    this.name = 'AckBeyondLogError';
  }
}

/** A resume cursor is ahead of the user's log. */
export class CursorAheadError extends Error {
  constructor(
    readonly afterSeq: number,
    readonly lastSeq: number,
  ) {
    super(`Cannot resume after seq ${afterSeq}: the log ends at ${lastSeq}.`);
    this.name = 'CursorAheadError';
  }
}

/**
 * A durable entry that cannot be written: a missing recipient or type, an id that is not a
 * string, data that does not serialize to JSON or is larger than `maxEntryDataBytes`. Thrown
 * before anything is written, and only to the caller that asked for it.
 */
export class DeliveryEntryRejectedError extends Error {
  constructor(
    message: string,
    /** What is wrong: `userId`, `type`, `id`, `data` (not JSON) or `dataSize`. */
    readonly reason: 'userId' | 'type' | 'id' | 'data' | 'dataSize',
  ) {
    super(message);
    this.name = 'DeliveryEntryRejectedError';
  }
}
