import type { ResumeData } from '@nest-realtime/client';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectionSender } from '../delivery/connection.sender';
import { encodeFrame } from '../protocol/frame.codec';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { CursorAheadError } from './delivery-log.errors';
import type { DeliveryLogStore } from './delivery-log.store';
import { DurablePositionTracker } from './durable-position.tracker';
import { frameOf, type SequencedFrame } from './sequenced-frame';
import { invalidField } from './invalid-field';

/** The `resume` answer: how many entries the replay sent and where the log stands. */
export type ResumeReply = ResumeData;

/**
 * Puts a connection on its durable stream, or back on it: replays what it missed after a
 * cursor (`resume`, `?lastSeq=`), or starts it at the head of the log. Live entries are held
 * while it runs and follow once it is done, minus what the replay sent: no gap, no reordering,
 * no duplicate across the switch.
 *
 * Failures never move the connection: a refused cursor changes nothing, and a catch-up that
 * fails (a database error) closes the connection with 1011 so that the client resumes from its
 * own cursor — it is never left live past entries it did not get.
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
  ) {
    this.replayBatchSize = options.replayBatchSize;
    this.highWaterBytes = Math.floor(options.maxBufferedBytes / 2);
  }

  /**
   * Sends every entry of the user's log after `afterSeq`, in order, then lets live entries
   * through again. A cursor older than retention gets one `resync` frame instead.
   *
   * @throws RealtimeException `VALIDATION_FAILED` when `afterSeq` is ahead of the log, or a
   *   catch-up already runs on this connection; the connection is unchanged.
   */
  async resume(
    store: DeliveryLogStore,
    connection: RealtimeConnection,
    afterSeq: number,
  ): Promise<ResumeReply> {
    // Set before the first await: from here on, live entries for this connection wait.
    const pending = this.hold(connection);
    let cursor = afterSeq;
    let replayed = 0;
    try {
      for (;;) {
        const read = await store.readAfter(connection.userId, cursor, this.replayBatchSize);
        if (!connection.registered) break;
        if (read.kind === 'resync') {
          this.sender.send(
            connection,
            encodeFrame({ type: 'resync', data: { lastSeq: read.head.lastSeq } }),
          );
          cursor = read.head.lastSeq;
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
      cursor = await this.sendHeld(connection, pending, cursor);
    } catch (error) {
      if (error instanceof CursorAheadError) {
        this.positions.restore(connection);
        throw invalidField('lastSeq', 'withinLog', messages.cursorAhead(afterSeq, error.lastSeq));
      }
      this.fail(connection, error);
      throw error;
    }
    this.positions.position(connection, cursor);
    return { replayed, lastSeq: cursor };
  }

  /**
   * Starts a connection that brought no cursor at the head of its user's log: entries already
   * written are history (the app has them from REST), every later one reaches it live.
   *
   * @returns the head, for the `resume` frame that tells the client where its cursor starts.
   */
  async startAtHead(store: DeliveryLogStore, connection: RealtimeConnection): Promise<ResumeReply> {
    const pending = this.hold(connection);
    let lastSeq: number;
    try {
      lastSeq = (await store.head(connection.userId)).lastSeq;
      lastSeq = await this.sendHeld(connection, pending, lastSeq);
    } catch (error) {
      this.fail(connection, error);
      throw error;
    }
    this.positions.position(connection, lastSeq);
    return { replayed: 0, lastSeq };
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
