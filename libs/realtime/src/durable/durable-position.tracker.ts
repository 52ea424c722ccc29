import { Injectable } from '@nestjs/common';
import { ConnectionSender } from '../delivery/connection.sender';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type { SequencedFrame } from './sequenced-frame';

/**
 * Where each connection stands on its user's durable stream, and the live push that keeps it
 * in order. A connection gets live entries only once a catch-up has positioned it; while a
 * catch-up runs they are held for it. A positioned connection gets exactly `seq + 1` next: an
 * entry at or below its position is one it already has, and one past a gap waits in
 * `durableAhead` until the gap closes (the missing entry arrives) or is read from the log (the
 * gap handler, see `DurableStreamSequencer`). So a client sees `seq` strictly +1 even when a
 * user's entries are written by several instances and cross on the way.
 */
@Injectable()
export class DurablePositionTracker {
  /** Called once when a connection's first gap opens (the sequencer arms its timer). */
  private gapHandler: (connection: RealtimeConnection) => void = () => undefined;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {}

  /** Sets who is told when a gap opens on a connection. */
  onGap(handler: (connection: RealtimeConnection) => void): void {
    this.gapHandler = handler;
  }

  /**
   * Pushes a committed entry to every connection of its user on this instance, in seq order.
   *
   * @returns how many sockets will have it (a catching-up one, or one waiting for a gap to
   *   close, counts: it gets the entry once the catch-up or the gap is done).
   */
  pushLive(item: SequencedFrame): number {
    let reached = 0;
    for (const connection of this.registry.connectionsOf(item.userId)) {
      if (connection.replayPending !== undefined) {
        connection.replayPending.push(item);
        reached++;
      } else if (connection.onDurableStream && this.offer(connection, item)) {
        reached++;
      }
    }
    return reached;
  }

  /**
   * Starts holding live entries for `connection` (a catch-up begins). What waited past a gap is
   * held too: the catch-up reads the gap from the log.
   *
   * @returns the list they are held in; `undefined` when a catch-up already runs.
   */
  hold(connection: RealtimeConnection): SequencedFrame[] | undefined {
    if (connection.replayPending !== undefined) return undefined;
    const pending =
      connection.durableAhead === undefined ? [] : [...connection.durableAhead.values()];
    this.clearGap(connection);
    connection.replayPending = pending;
    return pending;
  }

  /**
   * Ends a catch-up that succeeded: the connection stands at `seq`; held entries right after it
   * follow at once, those past a gap wait for it.
   */
  position(connection: RealtimeConnection, seq: number): void {
    const pending = connection.replayPending ?? [];
    connection.replayPending = undefined;
    connection.lastDurableSeq = seq;
    connection.onDurableStream = true;
    for (const item of pending) this.offer(connection, item);
  }

  /**
   * Takes `item` for a positioned connection: sends it if it is the next seq (and whatever
   * waited right behind it), keeps it if it is past a gap, drops it if the connection has it.
   *
   * @returns whether the connection gets it (now, or once the gap is filled).
   */
  private offer(connection: RealtimeConnection, item: SequencedFrame): boolean {
    const next = connection.lastDurableSeq + 1;
    if (item.seq < next) return false;
    if (item.seq > next) {
      const ahead = (connection.durableAhead ??= new Map());
      if (ahead.has(item.seq)) return false;
      ahead.set(item.seq, item);
      if (ahead.size === 1) this.gapHandler(connection);
      return true;
    }
    const sent = this.send(connection, item);
    this.drainAhead(connection);
    return sent;
  }

  /** Sends what waited right behind the connection's position, until the next gap. */
  private drainAhead(connection: RealtimeConnection): void {
    const ahead = connection.durableAhead;
    if (ahead === undefined) return;
    // Everything in `ahead` is past the position (offer keeps nothing older, and a catch-up
    // takes the lot), so draining is following the chain from the next seq.
    for (;;) {
      const next = connection.lastDurableSeq + 1;
      const item = ahead.get(next);
      if (item === undefined) break;
      ahead.delete(next);
      this.send(connection, item);
    }
    if (ahead.size === 0) this.clearGap(connection);
  }

  private send(connection: RealtimeConnection, item: SequencedFrame): boolean {
    connection.lastDurableSeq = item.seq;
    return this.sender.sendPrepared(connection, item.frame);
  }

  private clearGap(connection: RealtimeConnection): void {
    connection.durableAhead = undefined;
    clearTimeout(connection.gapTimer);
    connection.gapTimer = undefined;
  }
}
