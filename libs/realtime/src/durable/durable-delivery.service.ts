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
  DeliveryLogAck,
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

/** An ack waiting for the next batch. */
interface WaitingAck extends DeliveryLogAck {
  resolve: (head: DeliveryLogHead) => void;
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
 * as `{"type", "seq", "id", "data"}`, only once the write has committed. Writes share
 * transactions (group commit: everything asked for in a tick, and everything asked for while
 * the commit before was running), and commits (these and {@link commit}'s) run one after
 * another so live pushes leave in `seq` order. A connection that is catching up (`resume`,
 * `?lastSeq=`) holds live entries back until its replay is done, and skips what the replay
 * already sent: no gap, no reordering, no duplicate across the switch.
 */
@Injectable()
export class DurableDelivery {
  private readonly logger = new Logger('DurableDelivery');
  private readonly store: DeliveryLogStore | undefined;
  private readonly replayBatchSize: number;
  private waiting: Waiting[] = [];
  /** Whether a group commit is queued that has not yet taken {@link waiting}. */
  private groupQueued = false;
  private acks: WaitingAck[] = [];
  private acksQueued = false;
  private ackChain: Promise<void> = Promise.resolve();
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
      if (this.groupQueued) return;
      this.groupQueued = true;
      // Let the rest of this tick add its entries first; the group then takes everything
      // that is waiting when its turn comes, so a slow commit makes the next one bigger
      // instead of queueing many small ones behind it.
      setImmediate(() => void this.commitGroup(store));
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
   * Acknowledges everything up to `seq` for the connection's user. Acks are written in batches
   * (one transaction for those of a tick), which changes nothing for each: acks are cumulative.
   *
   * @throws RealtimeException `VALIDATION_FAILED` when `seq` is past the user's log.
   */
  ack(connection: RealtimeConnection, seq: number): Promise<DeliveryLogHead> {
    const store = this.requireStore();
    return new Promise((resolve, reject) => {
      this.acks.push({ userId: connection.userId, seq, resolve, reject });
      if (this.acksQueued) return;
      this.acksQueued = true;
      // Acks of a tick, and those sent while the previous batch was being written, share one
      // transaction; batches run one at a time.
      setImmediate(() => {
        this.ackChain = this.ackChain.then(() => this.writeAcks(store));
      });
    });
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
      this.endCatchUp(connection, cursor, pending);
    }
    return { replayed, lastSeq: connection.lastDurableSeq };
  }

  /**
   * Starts a connection that brought no cursor at the head of its user's log: entries already
   * written are history (the app has them from REST), every later one reaches it live. Live
   * entries wait while the head is read, so none falls between the read and the first push.
   *
   * @returns the head, for the `resume` frame that tells the client where its cursor starts.
   */
  async startAtHead(connection: RealtimeConnection): Promise<ResumeReply> {
    const store = this.requireStore();
    const pending: DeliveryLogEntry[] = [];
    connection.replayPending = pending;
    let lastSeq = 0;
    try {
      lastSeq = (await store.head(connection.userId)).lastSeq;
    } finally {
      this.endCatchUp(connection, lastSeq, pending);
    }
    return { replayed: 0, lastSeq };
  }

  /**
   * Lets live entries through again: the connection now stands at `seq`, and what arrived
   * while it caught up follows, minus what it already has.
   */
  private endCatchUp(
    connection: RealtimeConnection,
    seq: number,
    pending: readonly DeliveryLogEntry[],
  ): void {
    connection.replayPending = undefined;
    connection.lastDurableSeq = seq;
    for (const entry of pending) this.pushTo(connection, entry);
  }

  private commitGroup(store: DeliveryLogStore): Promise<unknown> {
    let batch: Waiting[] = [];
    return this.commit(async () => {
      this.groupQueued = false;
      batch = this.waiting;
      this.waiting = [];
      const written = await store.append(batch.flatMap((waiting) => waiting.entries));
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

  private async writeAcks(store: DeliveryLogStore): Promise<void> {
    this.acksQueued = false;
    const batch = this.acks;
    this.acks = [];
    try {
      const results = await store.ackMany(batch);
      batch.forEach((ack, index) => {
        const result = results[index];
        if (result instanceof AckBeyondLogError) {
          ack.reject(
            invalidField('seq', 'withinLog', messages.ackBeyondLog(ack.seq, result.lastSeq)),
          );
        } else {
          ack.resolve(result);
        }
      });
    } catch (error) {
      for (const ack of batch) ack.reject(error);
    }
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
