import type { ResumeData, ResyncData } from '@nest-realtime/client';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectionSender } from '../delivery/connection.sender';
import { encodeFrame } from '../protocol/frame.codec';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type { DeliveryLogHead, DeliveryLogRead } from './delivery-log-entry.interface';
import { isDeliveryLogEpoch } from './delivery-log-epoch';
import { CursorAheadError } from './delivery-log.errors';
import type { DeliveryLogStore } from './delivery-log.store';
import { DurablePositionTracker } from './durable-position.tracker';
import { frameOf, type SequencedFrame } from './sequenced-frame';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import { invalidField } from './invalid-field';

/** The `resume` answer: how many entries the replay sent, where the log stands, its epoch. */
export type ResumeReply = ResumeData;

/**
 * Puts a connection on its durable stream, or back on it: replays what it missed after a
 * cursor (`resume`, `?lastSeq=`), or starts it at the head of the log. Live entries are held
 * while it runs and follow once it is done, minus what the replay sent: no gap, no reordering,
 * no duplicate across the switch.
 *
 * A cursor the log cannot continue from (another epoch, ahead of the log, older than
 * retention) is answered with `resync` and the connection starts at the head, never with a
 * guess. Failures never move the connection: a refused `resume` (one already running) changes
 * nothing, and a catch-up that fails (a database error) closes the connection with 1011 so that
 * the client resumes from its own cursor — it is never left live past entries it did not get.
 *
 * A replay paces itself on the socket: once more than half of `maxBufferedBytes` waits unsent,
 * it waits for the buffer to drain, so a large backlog reaches a healthy client whole instead
 * of tripping the slow-consumer cut-off.
 */
@Injectable()
export class DurableCatchUp {
  private readonly logger = new Logger('DurableDelivery');
  private readonly replayBatchSize: number;
  private readonly highWaterBytes: number;

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
    private readonly positions: DurablePositionTracker,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.replayBatchSize = options.replayBatchSize;
    this.highWaterBytes = Math.floor(options.maxBufferedBytes / 2);
  }

  /**
   * Sends every entry of the user's log after `afterSeq`, in order, then lets live entries
   * through again. Instead of a replay, one `resync` frame (with the log's head and epoch) puts
   * the connection at the head when the cursor cannot be trusted: `epoch` is not the log's
   * (the log was recreated since the client took its cursor), the cursor is ahead of the log
   * (restored from an older backup, or reset), or older than retention kept.
   *
   * @param epoch the log's epoch the client took its cursor in; without it (an old client)
   *   only the position checks apply.
   * @throws RealtimeException `VALIDATION_FAILED` when a catch-up already runs on this
   *   connection; the connection is unchanged.
   */
  async resume(
    store: DeliveryLogStore,
    connection: RealtimeConnection,
    afterSeq: number,
    epoch?: string,
  ): Promise<ResumeReply> {
    // Set before the first await: from here on, live entries for this connection wait.
    const pending = this.hold(connection);
    let current: string;
    let cursor: number;
    let replayed: number;
    try {
      current = await epochOf(store);
      if (epoch === undefined || epoch === current) {
        ({ cursor, replayed } = await this.replay(store, connection, afterSeq, current));
      } else {
        // A cursor of another log: its seqs say nothing about this one's.
        const { lastSeq } = await store.head(connection.userId);
        cursor = this.resync(connection, lastSeq, current);
        replayed = 0;
      }
      cursor = await this.sendHeld(connection, pending, cursor);
    } catch (error) {
      this.fail(connection, error);
      throw error;
    }
    this.positions.position(connection, cursor);
    this.metrics.replayEntries.observe(replayed);
    return { replayed, lastSeq: cursor, epoch: current };
  }

  /**
   * Starts a connection that brought no cursor at the head of its user's log: entries already
   * written are history (the app has them from REST), every later one reaches it live.
   *
   * @returns the head and the log's epoch, for the `resume` frame that tells the client where
   *   its cursor starts.
   */
  async startAtHead(store: DeliveryLogStore, connection: RealtimeConnection): Promise<ResumeReply> {
    const pending = this.hold(connection);
    let epoch: string;
    let lastSeq: number;
    try {
      epoch = await epochOf(store);
      lastSeq = (await store.head(connection.userId)).lastSeq;
      lastSeq = await this.sendHeld(connection, pending, lastSeq);
    } catch (error) {
      this.fail(connection, error);
      throw error;
    }
    this.positions.position(connection, lastSeq);
    return { replayed: 0, lastSeq, epoch };
  }

  /**
   * Sends the entries after `afterSeq` in batches, paced; a cursor the log cannot continue
   * from (ahead of it, or older than retention) gets `resync` instead.
   *
   * @returns where the connection then stands, and how many entries were sent.
   */
  private async replay(
    store: DeliveryLogStore,
    connection: RealtimeConnection,
    afterSeq: number,
    epoch: string,
  ): Promise<{ cursor: number; replayed: number }> {
    let cursor = afterSeq;
    let replayed = 0;
    for (;;) {
      const read = await readOrAhead(store, connection.userId, cursor, this.replayBatchSize);
      if (!connection.registered) break;
      if (read.kind !== 'entries') {
        cursor = this.resync(connection, read.head.lastSeq, epoch);
        break;
      }
      for (const entry of read.entries) {
        if (!(await this.paced(connection))) break;
        this.sender.sendPrepared(connection, frameOf(entry));
        cursor = entry.seq;
        replayed++;
      }
      if (read.entries.length < this.replayBatchSize) break;
    }
    return { cursor, replayed };
  }

  /**
   * Tells the client to drop its cursor and reload from REST: it now stands at `lastSeq` of
   * the log of `epoch`.
   *
   * @returns `lastSeq`, the connection's new position.
   */
  private resync(connection: RealtimeConnection, lastSeq: number, epoch: string): number {
    if (connection.registered) {
      const data: ResyncData = { lastSeq, epoch };
      this.sender.send(connection, encodeFrame({ type: 'resync', data }));
    }
    return lastSeq;
  }

  /**
   * Holds live entries for the connection while it catches up.
   *
   * @throws RealtimeException `VALIDATION_FAILED` when a catch-up already runs on it.
   */
  private hold(connection: RealtimeConnection): SequencedFrame[] {
    const pending = this.positions.hold(connection);
    if (pending === undefined) {
      throw invalidField('lastSeq', 'notResuming', messages.resumeInProgress());
    }
    return pending;
  }

  /**
   * Sends, paced, the live entries held while the replay ran that continue right after
   * `cursor`, until none does; the caller then switches the connection to live in the same
   * synchronous stretch, and what is left (past a gap) waits there for the gap to be filled.
   *
   * @returns the seq the connection then stands at.
   */
  private async sendHeld(
    connection: RealtimeConnection,
    pending: SequencedFrame[],
    cursor: number,
  ): Promise<number> {
    while (connection.registered) {
      if (!pending.some((item) => item.seq === cursor + 1)) break;
      if (!(await this.paced(connection))) break;
      // Found again after the wait: more may have been held meanwhile.
      const index = pending.findIndex((item) => item.seq === cursor + 1);
      const [item] = pending.splice(index, 1);
      this.sender.sendPrepared(connection, item.frame);
      cursor = item.seq;
    }
    return cursor;
  }

  /**
   * Waits while more than the high-water mark waits unsent on the socket.
   *
   * @returns whether the connection is still there to send to.
   */
  private async paced(connection: RealtimeConnection): Promise<boolean> {
    while (connection.registered && this.sender.bufferedBytes(connection) > this.highWaterBytes) {
      await this.sender.whenDrained(connection);
    }
    return connection.registered;
  }

  /**
   * A catch-up failed: the connection's position is unknown to it, so it leaves the stream and
   * is closed with 1011, after the `error` frame its caller sends, and resumes from its cursor.
   */
  private fail(connection: RealtimeConnection, error: unknown): void {
    connection.replayPending = undefined;
    if (!connection.registered) return;
    this.logger.error(
      messages.catchUpFailed(connection.userId),
      error instanceof Error ? error.stack : String(error),
    );
    this.registry.remove(connection);
    // The caller answers with an `error` frame once this rejection reaches it, a few
    // microtasks from now; the close frame must follow that answer, not overtake it.
    setImmediate(() =>
      connection.socket.close(RealtimeCloseCode.INTERNAL_ERROR, RealtimeCloseReason.INTERNAL),
    );
  }
}

/**
 * The store's epoch, checked: one that is not well-formed would come back from clients as bad
 * input (400), so it fails the catch-up (1011, logged) where the fault is, in the store.
 */
async function epochOf(store: DeliveryLogStore): Promise<string> {
  const epoch = await store.epoch();
  if (!isDeliveryLogEpoch(epoch)) throw new Error(messages.storeEpochInvalid());
  return epoch;
}

/** `readAfter`, with a cursor ahead of the log read as a resync to its head. */
async function readOrAhead(
  store: DeliveryLogStore,
  userId: string,
  afterSeq: number,
  limit: number,
): Promise<DeliveryLogRead | { kind: 'ahead'; head: Pick<DeliveryLogHead, 'lastSeq'> }> {
  try {
    return await store.readAfter(userId, afterSeq, limit);
  } catch (error) {
    if (!(error instanceof CursorAheadError)) throw error;
    return { kind: 'ahead', head: { lastSeq: error.lastSeq } };
  }
}
