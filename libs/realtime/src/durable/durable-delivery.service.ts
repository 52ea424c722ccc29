import { Inject, Injectable } from '@nestjs/common';
import { RealtimeException } from '../messaging/realtime.exception';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { DeliveryAckBatcher } from './delivery-ack.batcher';
import { deliveryEntryProblem } from './delivery-entry.validator';
import type {
  DeliveryLogEntry,
  DeliveryLogHead,
  NewDeliveryLogEntry,
} from './delivery-log-entry.interface';
import type { DeliveryEntryRejectedError } from './delivery-log.errors';
import type { DeliveryLogStore } from './delivery-log.store';
import { DeliveryLogWriter } from './delivery-log.writer';
import { DurableCatchUp, type ResumeReply } from './durable-catch-up.service';

export type { ResumeReply } from './durable-catch-up.service';

/**
 * Durable push: every message is written to the recipient's delivery log first and pushed live,
 * as `{"type", "seq", "id", "data"}`, only once the write has committed. The entry point for
 * applications; the work is done by role — {@link DeliveryLogWriter} (group commit, commit
 * order), {@link DurableCatchUp} (resume, start at the head), `DurablePositionTracker` (where
 * each connection stands, live push) and {@link DeliveryAckBatcher}.
 */
@Injectable()
export class DurableDelivery {
  private readonly store: DeliveryLogStore | undefined;
  private readonly maxEntryDataBytes: number;

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly writer: DeliveryLogWriter,
    private readonly catchUp: DurableCatchUp,
    private readonly acks: DeliveryAckBatcher,
  ) {
    this.store = options.deliveryLog;
    this.maxEntryDataBytes = options.maxEntryDataBytes;
  }

  /** Whether a delivery log is configured. */
  get enabled(): boolean {
    return this.store !== undefined;
  }

  /**
   * Writes `entries` to their recipients' logs, then pushes each live to every connection of
   * its recipient on this instance. Entries are checked first ({@link check}); one that cannot
   * be written fails this call only, never the other deliveries it would have shared a
   * transaction with. Leave the entries unchanged until the promise settles: their data is
   * serialized for the log when they are checked, and pushed as they are after the commit.
   *
   * @returns the entries as written, with `id`, `seq` and `createdAt`.
   * @throws DeliveryEntryRejectedError (as a rejection) for an entry that cannot be written.
   */
  deliver(entries: readonly NewDeliveryLogEntry[]): Promise<DeliveryLogEntry[]> {
    const store = this.requireStore();
    const problem = this.problemOf(entries);
    if (problem !== undefined) return Promise.reject(problem);
    return this.writer.append(store, entries);
  }

  /**
   * Checks entries as {@link deliver} does before writing them: a recipient and type, a string
   * `id` if any, `data` that serializes to JSON within `maxEntryDataBytes`. Call it before a
   * {@link commit} whose transaction appends entries itself.
   *
   * @throws DeliveryEntryRejectedError naming what is wrong with the first bad entry.
   */
  check(entries: readonly NewDeliveryLogEntry[]): void {
    const problem = this.problemOf(entries);
    if (problem !== undefined) throw problem;
  }

  /**
   * Runs `work` — a transaction that appends to the log (with `appendIn`) and may write more —
   * in turn with every other commit of this instance, then pushes what it appended live. Live
   * pushes thus leave in commit order, which is `seq` order per user.
   *
   * @returns what `work` returned, and how many sockets of this instance the pushes reached.
   */
  commit<T>(
    work: () => Promise<{ written: DeliveryLogEntry[]; result: T }>,
  ): Promise<{ result: T; reached: number }> {
    this.requireStore();
    return this.writer.commit(work);
  }

  /**
   * Acknowledges everything up to `seq` for the connection's user. Acks are written in batches
   * (one transaction for those of a tick), which changes nothing for each: acks are cumulative.
   *
   * @throws RealtimeException `VALIDATION_FAILED` when `seq` is past the user's log.
   */
  ack(connection: RealtimeConnection, seq: number): Promise<DeliveryLogHead> {
    return this.acks.ack(this.requireStore(), connection, seq);
  }

  /**
   * Sends the connection every entry of its user's log after `afterSeq`, in order, then lets
   * live entries through again. A cursor the log cannot continue from — taken in another
   * `epoch`, ahead of the log, or older than retention — gets one `resync` frame instead, and
   * the connection starts at the head. If reading the log fails, the connection is closed with
   * 1011 (it resumes from its cursor).
   *
   * @param epoch the log's epoch as the client last saw it; `undefined` for a client that
   *   brought none.
   * @throws RealtimeException `VALIDATION_FAILED` when a resume is already running on this
   *   connection; that changes nothing.
   */
  resume(connection: RealtimeConnection, afterSeq: number, epoch?: string): Promise<ResumeReply> {
    return this.catchUp.resume(this.requireStore(), connection, afterSeq, epoch);
  }

  /**
   * Starts a connection that brought no cursor at the head of its user's log: entries already
   * written are history (the app has them from REST), every later one reaches it live. Live
   * entries wait while the head is read, so none falls between the read and the first push.
   *
   * @returns the head and the log's epoch, for the `resume` frame that tells the client where
   *   its cursor starts.
   */
  startAtHead(connection: RealtimeConnection): Promise<ResumeReply> {
    return this.catchUp.startAtHead(this.requireStore(), connection);
  }

  /** The first entry's problem, if one cannot be written. */
  private problemOf(
    entries: readonly NewDeliveryLogEntry[],
  ): DeliveryEntryRejectedError | undefined {
    for (const entry of entries) {
      const problem = deliveryEntryProblem(entry, this.maxEntryDataBytes);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  private requireStore(): DeliveryLogStore {
    if (this.store === undefined) {
      throw new RealtimeException(RealtimeErrorCode.UNKNOWN_TYPE, messages.durableDeliveryOff());
    }
    return this.store;
  }
}
