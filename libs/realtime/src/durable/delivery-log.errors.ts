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
