import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { DurableCatchUp } from './durable-catch-up.service';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import { DurablePositionTracker } from './durable-position.tracker';

/**
 * Keeps every local connection's durable stream whole when entries can arrive out of order or
 * not at all — in a cluster, a user's entries are committed by several instances and cross on
 * the bus, and the bus loses what is published while it is down.
 *
 * - An entry past a gap waits `gapWaitMs` for the missing ones; if the gap is still open then,
 *   the connection catches up from the log (nothing newer goes out before the gap is filled).
 * - In a cluster, every `positionCheckIntervalMs`, one query reads the log heads of every user
 *   connected here; a connection behind its head (it missed the last entry of a burst) catches
 *   up. The same check runs when the cluster transport comes back up.
 */
@Injectable()
export class DurableStreamSequencer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DurableDelivery');
  private interval: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    positions: DurablePositionTracker,
    private readonly catchUp: DurableCatchUp,
    private readonly metrics: RealtimeMetrics,
  ) {
    positions.onGap((connection) => this.gapOpened(connection));
  }

  onApplicationBootstrap(): void {
    // Only a cluster loses entries on the way (a single instance pushes what it commits).
    const { deliveryLog, cluster, positionCheckIntervalMs } = this.options;
    if (deliveryLog === undefined || cluster === undefined || positionCheckIntervalMs === 0) return;
    this.interval = setInterval(
      () => void this.checkPositions(),
      this.options.positionCheckIntervalMs,
    );
    this.interval.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    this.interval = undefined;
    await this.checking;
  }

  /**
   * Compares every positioned local connection with its user's log head (one query) and
   * catches up those behind it. Runs one at a time; a call while one runs joins it.
   */
  checkPositions(): Promise<void> {
    this.checking ??= this.comparePositions().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async comparePositions(): Promise<void> {
    const store = this.options.deliveryLog;
    if (store === undefined || this.stopped) return;
    const users = new Set<string>();
    for (const connection of this.registry.all()) {
      if (this.isSettled(connection)) users.add(connection.userId);
    }
    if (users.size === 0) return;
    let heads: ReadonlyMap<string, number>;
    try {
      heads = await store.lastSeqs([...users]);
    } catch (error) {
      // The next check, or the next entry, tries again.
      this.logger.warn(messages.positionCheckFailed(error));
      return;
    }
    for (const [userId, lastSeq] of heads) {
      for (const connection of this.registry.connectionsOf(userId)) {
        if (this.isSettled(connection) && connection.lastDurableSeq < lastSeq) {
          this.catchUpFrom(connection);
        }
      }
    }
  }

  /** Positioned, not catching up, not already waiting on a gap. */
  private isSettled(connection: RealtimeConnection): boolean {
    return (
      connection.registered &&
      connection.onDurableStream &&
      connection.replayPending === undefined &&
      connection.gapTimer === undefined
    );
  }

  private gapOpened(connection: RealtimeConnection): void {
    clearTimeout(connection.gapTimer);
    connection.gapTimer = setTimeout(() => {
      connection.gapTimer = undefined;
      if (connection.registered && connection.durableAhead !== undefined) {
        this.catchUpFrom(connection);
      }
    }, this.options.gapWaitMs);
    connection.gapTimer.unref();
  }

  /** Reads what the connection misses from the log (held entries follow, in order). */
  private catchUpFrom(connection: RealtimeConnection): void {
    const store = this.options.deliveryLog;
    if (store === undefined || connection.replayPending !== undefined || this.stopped) return;
    this.metrics.gapReads++;
    // A failed read closes the connection with 1011 (logged by the catch-up): the client
    // resumes from its own cursor. There is no request to answer.
    this.catchUp.resume(store, connection, connection.lastDurableSeq).catch(() => undefined);
  }
}
