import type { AckBeyondLogError } from './delivery-log.errors';
import type {
  DeliveryLogAck,
  DeliveryLogEntry,
  DeliveryLogHead,
  DeliveryLogRead,
  DeliveryLogRetention,
  NewDeliveryLogEntry,
} from './delivery-log-entry.interface';

/**
 * Durable per-user delivery logs. Implementations must give every user a gapless, strictly
 * increasing `seq` even with several writers (instances) on one database, and must commit a
 * batch of appends atomically: all of it or none, so a rolled-back batch leaves no gap.
 */
export interface DeliveryLogStore {
  /**
   * Appends entries in one transaction (group commit) and returns them with their `id`, `seq`
   * and `createdAt`, in the order given; a user's entries get consecutive seqs in that order.
   */
  append(entries: readonly NewDeliveryLogEntry[]): Promise<DeliveryLogEntry[]>;

  /**
   * Applies acks (of any users, several per user allowed) in one transaction. An ack covers
   * every entry of `userId` up to `seq`; repeating one, or acking below the current ack,
   * changes nothing; one past its user's last entry is refused and changes nothing, the others
   * apply.
   *
   * @returns per ack, in the order given: the user's head after all of them, or the
   *   {@link AckBeyondLogError} that refused it.
   */
  ackMany(acks: readonly DeliveryLogAck[]): Promise<(DeliveryLogHead | AckBeyondLogError)[]>;

  /**
   * Entries of `userId` after `afterSeq`, oldest first, at most `limit`.
   *
   * @throws CursorAheadError when `afterSeq` is past the user's last entry.
   */
  readAfter(userId: string, afterSeq: number, limit: number): Promise<DeliveryLogRead>;

  /** Where the user's log stands (all zero for a user with no log). */
  head(userId: string): Promise<DeliveryLogHead>;

  /**
   * The log's epoch: an opaque id of the log as a whole, matching
   * `DELIVERY_LOG_EPOCH_PATTERN`. Clients keep it with their cursor and bring it back when they
   * resume; one that differs gets `resync` instead of a catch-up. It must stay the same for as
   * long as the log keeps its entries and seqs, and be new (never one used before) once the log
   * is recreated, so that cursors into the old log cannot be taken for positions in the new
   * one. Made on first use, insert-if-absent, so that instances starting together agree.
   */
  epoch(): Promise<string>;

  /**
   * The last seq of each of `userIds` that has a log, in as few queries as the store can
   * (the position check asks for every user connected to an instance at once).
   */
  lastSeqs(userIds: readonly string[]): Promise<ReadonlyMap<string, number>>;

  /**
   * Removes what `retention` no longer keeps, as of `now` (ms since the epoch).
   *
   * @returns how many entries were removed.
   */
  prune(retention: DeliveryLogRetention, now: number): Promise<number>;

  /**
   * Hands entries still unacknowledged that were written at or before `cutoff` and not
   * reported yet, oldest first, at most `limit`, to `report`, and marks them reported only
   * once `report` has returned: at least once, so a `report` that throws (or a crash) leaves
   * them to the next call; the error propagates.
   *
   * @returns how many entries were reported.
   */
  takeUndelivered(
    cutoff: number,
    limit: number,
    report: (entries: DeliveryLogEntry[]) => void | Promise<void>,
  ): Promise<number>;
}
