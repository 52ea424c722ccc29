import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RealtimeBus } from '../delivery/realtime-bus.interface';
import { REALTIME_BUS } from '../realtime.constants';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import * as messages from '../realtime.messages';
import type { DeliveryLogEntry, NewDeliveryLogEntry } from './delivery-log-entry.interface';
import type { DeliveryLogStore } from './delivery-log.store';
import { DurablePositionTracker } from './durable-position.tracker';
import { mayBeCausedByAnEntry } from './entry-error.classifier';
import { sequencedFrameOf } from './sequenced-frame';

/** A caller's entries waiting for the next group commit. */
interface Waiting {
  entries: readonly NewDeliveryLogEntry[];
  resolve: (written: DeliveryLogEntry[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes durable entries, then pushes them live. Appends share transactions (group commit:
 * everything asked for in a tick, and everything asked for while the commit before was
 * running), and every commit of this instance — groups and {@link commit}'s — runs after the one
 * before, so live pushes leave in commit order, which is `seq` order per user.
 *
 * A group that fails for a reason one of its entries can cause (a constraint or a data
 * exception: an id already in the log, say) is split in halves and each half retried, until the
 * callers whose entries fail are found: one unwritable entry fails its own caller, not the whole
 * group. The search stops after `2·⌈log2 n⌉ + 2` failed attempts, enough to find one or two bad
 * callers among n. A group that fails because the database does (a dropped connection, a
 * timeout, a lock) fails at once: retrying it in parts would only hold up what waits behind it.
 */
@Injectable()
export class DeliveryLogWriter {
  private readonly logger = new Logger('DurableDelivery');
  private waiting: Waiting[] = [];
  /** Whether a group commit is queued that has not yet taken {@link waiting}. */
  private groupQueued = false;
  /** The last commit in line; each waits for the one before. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly positions: DurablePositionTracker,
    @Inject(REALTIME_BUS) private readonly bus: RealtimeBus,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /** Queues entries (already checked) for the next group commit. */
  append(
    store: DeliveryLogStore,
    entries: readonly NewDeliveryLogEntry[],
  ): Promise<DeliveryLogEntry[]> {
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
   * Runs `work` in turn with every other commit of this instance, then pushes what it appended.
   *
   * @returns what `work` returned, and how many sockets of this instance the pushes reached.
   */
  commit<T>(
    work: () => Promise<{ written: DeliveryLogEntry[]; result: T }>,
  ): Promise<{ result: T; reached: number }> {
    const job = this.chain.then(async () => {
      const started = performance.now();
      const { written, result } = await work();
      this.countCommit(started, written.length);
      return { result, reached: this.pushAll(written) };
    });
    this.chain = job.catch(() => undefined);
    return job;
  }

  private commitGroup(store: DeliveryLogStore): Promise<unknown> {
    const job = this.chain.then(() => {
      this.groupQueued = false;
      const group = this.waiting;
      this.waiting = [];
      const budget = { failures: 2 * Math.ceil(Math.log2(group.length)) + 2 };
      return this.writeIsolating(store, group, budget);
    });
    this.chain = job.catch(() => undefined);
    return job;
  }

  /** Writes `group` in one transaction; on failure, halves it until the failing callers are found. */
  private async writeIsolating(
    store: DeliveryLogStore,
    group: readonly Waiting[],
    budget: { failures: number },
  ): Promise<void> {
    let written: DeliveryLogEntry[];
    const started = performance.now();
    try {
      written = await store.append(group.flatMap((waiting) => waiting.entries));
    } catch (error) {
      budget.failures--;
      if (group.length === 1 || budget.failures <= 0 || !mayBeCausedByAnEntry(error)) {
        for (const waiting of group) waiting.reject(error);
        return;
      }
      this.logger.warn(messages.isolatingFailedGroup(group.length));
      const half = group.length >> 1;
      await this.writeIsolating(store, group.slice(0, half), budget);
      await this.writeIsolating(store, group.slice(half), budget);
      return;
    }
    this.countCommit(started, written.length);
    this.pushAll(written);
    let offset = 0;
    for (const waiting of group) {
      waiting.resolve(written.slice(offset, offset + waiting.entries.length));
      offset += waiting.entries.length;
    }
  }

  private countCommit(started: number, entries: number): void {
    this.metrics.durableCommitLatencyMs.observe(performance.now() - started);
    this.metrics.durableCommitEntries.observe(entries);
  }

  /** Pushes committed entries to this instance's connections and forwards them to the others. */
  private pushAll(written: readonly DeliveryLogEntry[]): number {
    let reached = 0;
    for (const entry of written) {
      const item = sequencedFrameOf(entry);
      reached += this.positions.pushLive(item);
      this.bus.forwardDurable?.(item);
    }
    return reached;
  }
}
