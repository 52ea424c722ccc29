import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectionSender } from '../delivery/connection.sender';
import { PreparedFrame } from '../delivery/prepared-frame';
import { RealtimeException } from '../messaging/realtime.exception';
import { encodeFrame } from '../protocol/frame.codec';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type {
  DeliveryLogEntry,
  DeliveryLogHead,
  NewDeliveryLogEntry,
} from './delivery-log-entry.interface';
import { AckBeyondLogError, CursorAheadError } from './delivery-log.errors';
import type { DeliveryLogStore } from './delivery-log.store';

/** An append waiting for the next group commit. */
interface Waiting {
  entries: readonly NewDeliveryLogEntry[];
  resolve: (written: DeliveryLogEntry[]) => void;
  reject: (error: unknown) => void;
}

/** Answer to `resume`. */
export interface ResumeReply {
  /** Entries sent by this replay. */
  replayed: number;
  /** The connection's position in the log once caught up. */
  lastSeq: number;
}

/**
 * Durable push: every message is written to the recipient's delivery log first and pushed live,
 * as `{"type", "seq", "id", "data"}`, only once the write has committed. Writes asked for in the
 * same tick share one transaction (group commit), and commits (these and {@link commit}'s) run
 * one after another so live pushes leave in `seq` order. A connection that is catching up (`resume`, `?lastSeq=`) holds
 * live entries back until its replay is done, and skips what the replay already sent: no gap,
 * no reordering, no duplicate across the switch.
 */
@Injectable()
export class DurableDelivery {
  private readonly logger = new Logger('DurableDelivery');
  private readonly store: DeliveryLogStore | undefined;
  private readonly replayBatchSize: number;
  private waiting: Waiting[] = [];
  /** The last commit in line; each waits for the one before. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {
    this.store = options.deliveryLog;
    this.replayBatchSize = options.replayBatchSize;
  }

  /** Whether a delivery log is configured. */
  get enabled(): boolean {
    return this.store !== undefined;
  }

  /**
   * Writes `entries` to their recipients' logs, then pushes each live to every connection of
   * its recipient on this instance.
   *
   * @returns the entries as written, with `id`, `seq` and `createdAt`.
   */
  deliver(entries: readonly NewDeliveryLogEntry[]): Promise<DeliveryLogEntry[]> {
    const store = this.requireStore();
    return new Promise((resolve, reject) => {
      this.waiting.push({ entries, resolve, reject });
      // Let the rest of this tick add its entries to the same transaction.
      if (this.waiting.length === 1) setImmediate(() => this.commitWaiting(store));
    });
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
    const job = this.chain.then(async () => {
      const { written, result } = await work();
      let reached = 0;
      for (const entry of written) reached += this.pushLive(entry);
      return { result, reached };
    });
    this.chain = job.catch(() => undefined);
    return job;
  }

  /**
   * Acknowledges everything up to `seq` for the connection's user.
   *
   * @throws RealtimeException `VALIDATION_FAILED` when `seq` is past the user's log.
   */
  async ack(connection: RealtimeConnection, seq: number): Promise<DeliveryLogHead> {
    try {
      return await this.requireStore().ack(connection.userId, seq);
    } catch (error) {
      if (error instanceof AckBeyondLogError) {
        throw invalidField('seq', 'withinLog', messages.ackBeyondLog(seq, error.lastSeq));
      }
      throw error;
    }
  }

  /**
   * Sends the connection every entry of its user's log after `afterSeq`, in order, then lets
   * live entries through again. A cursor older than retention gets one `resync` frame instead.
   *
   * @throws RealtimeException `VALIDATION_FAILED` when `afterSeq` is ahead of the log, or a
   *   resume is already running on this connection.
   */
  async resume(connection: RealtimeConnection, afterSeq: number): Promise<ResumeReply> {
    const store = this.requireStore();
    if (connection.replayPending !== undefined) {
      throw invalidField('lastSeq', 'notResuming', messages.resumeInProgress());
    }
    // Set before the first await: from here on, live entries for this connection wait.
    const pending: DeliveryLogEntry[] = [];
    connection.replayPending = pending;
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
          this.sender.sendPrepared(connection, frameOf(entry));
          cursor = entry.seq;
          replayed++;
        }
        if (read.entries.length < this.replayBatchSize) break;
      }
    } catch (error) {
      if (error instanceof CursorAheadError) {
        throw invalidField('lastSeq', 'withinLog', messages.cursorAhead(afterSeq, error.lastSeq));
      }
      throw error;
    } finally {
      connection.replayPending = undefined;
      connection.lastDurableSeq = cursor;
      for (const entry of pending) this.pushTo(connection, entry);
    }
    return { replayed, lastSeq: connection.lastDurableSeq };
  }

  private commitWaiting(store: DeliveryLogStore): void {
    const batch = this.waiting;
    this.waiting = [];
    const entries = batch.flatMap((waiting) => waiting.entries);
    this.commit(async () => {
      const written = await store.append(entries);
      return { written, result: written };
    }).then(
      ({ result: written }) => {
        let offset = 0;
        for (const waiting of batch) {
          waiting.resolve(written.slice(offset, offset + waiting.entries.length));
          offset += waiting.entries.length;
        }
      },
      (error: unknown) => {
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }

  /** @returns how many sockets it was written to (a replaying one counts: it will get it). */
  private pushLive(entry: DeliveryLogEntry): number {
    let frame: PreparedFrame | undefined;
    let reached = 0;
    for (const connection of this.registry.connectionsOf(entry.userId)) {
      if (connection.replayPending !== undefined) {
        connection.replayPending.push(entry);
        reached++;
      } else if (this.pushTo(connection, entry, (frame ??= frameOf(entry)))) {
        reached++;
      }
    }
    return reached;
  }

  /** Sends unless the connection already has this seq (from its replay). */
  private pushTo(
    connection: RealtimeConnection,
    entry: DeliveryLogEntry,
    frame?: PreparedFrame,
  ): boolean {
    if (entry.seq <= connection.lastDurableSeq) return false;
    connection.lastDurableSeq = entry.seq;
    return this.sender.sendPrepared(connection, frame ?? frameOf(entry));
  }

  private requireStore(): DeliveryLogStore {
    if (this.store === undefined) {
      throw new RealtimeException(RealtimeErrorCode.UNKNOWN_TYPE, messages.durableDeliveryOff());
    }
    return this.store;
  }
}

/** The frame of a durable entry: `{"type", "seq", "id", "data"}`. */
function frameOf(entry: DeliveryLogEntry): PreparedFrame {
  return PreparedFrame.fromJson(
    encodeFrame({ type: entry.type, seq: entry.seq, id: entry.id, data: entry.data }),
  );
}

function invalidField(field: string, constraint: string, text: string): RealtimeException {
  return new RealtimeException(RealtimeErrorCode.VALIDATION_FAILED, text, [
    { field, constraints: { [constraint]: text } },
  ]);
}
