import { Injectable } from '@nestjs/common';
import { ConnectionSender } from '../delivery/connection.sender';
import { PreparedFrame } from '../delivery/prepared-frame';
import { encodeFrame } from '../protocol/frame.codec';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type { DeliveryLogEntry } from './delivery-log-entry.interface';

/**
 * Where each connection stands on its user's durable stream, and the live push that respects
 * it. A connection gets live entries only once a catch-up has positioned it; while a catch-up
 * runs they are held for it; an entry at or below its position is one it already has.
 */
@Injectable()
export class DurablePositionTracker {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {}

  /**
   * Pushes a committed entry to every connection of its user on this instance.
   *
   * @returns how many sockets it was written to (a catching-up one counts: it will get it).
   */
  pushLive(entry: DeliveryLogEntry): number {
    let frame: PreparedFrame | undefined;
    let reached = 0;
    for (const connection of this.registry.connectionsOf(entry.userId)) {
      if (connection.replayPending !== undefined) {
        connection.replayPending.push(entry);
        reached++;
      } else if (
        connection.onDurableStream &&
        this.pushTo(connection, entry, (frame ??= frameOf(entry)))
      ) {
        reached++;
      }
    }
    return reached;
  }

  /**
   * Starts holding live entries for `connection` (a catch-up begins).
   *
   * @returns the list they are held in; `undefined` when a catch-up already runs.
   */
  hold(connection: RealtimeConnection): DeliveryLogEntry[] | undefined {
    if (connection.replayPending !== undefined) return undefined;
    const pending: DeliveryLogEntry[] = [];
    connection.replayPending = pending;
    return pending;
  }

  /**
   * Ends a catch-up that succeeded: the connection stands at `seq`, and what is still held
   * follows at once, minus what it already has.
   */
  position(connection: RealtimeConnection, seq: number): void {
    const pending = connection.replayPending ?? [];
    connection.replayPending = undefined;
    connection.lastDurableSeq = seq;
    connection.onDurableStream = true;
    for (const entry of pending) this.pushTo(connection, entry);
  }

  /**
   * Ends a catch-up that changed nothing (a refused resume): the connection keeps the position
   * it had, and gets what was held if it had one; without one, the log keeps it for later.
   */
  restore(connection: RealtimeConnection): void {
    const pending = connection.replayPending ?? [];
    connection.replayPending = undefined;
    if (!connection.onDurableStream) return;
    for (const entry of pending) this.pushTo(connection, entry);
  }

  /** Sends unless the connection already has this seq (from its replay). */
  pushTo(connection: RealtimeConnection, entry: DeliveryLogEntry, frame?: PreparedFrame): boolean {
    if (entry.seq <= connection.lastDurableSeq) return false;
    connection.lastDurableSeq = entry.seq;
    return this.sender.sendPrepared(connection, frame ?? frameOf(entry));
  }
}

/** The frame of a durable entry: `{"type", "seq", "id", "data"}`. */
export function frameOf(entry: DeliveryLogEntry): PreparedFrame {
  return PreparedFrame.fromJson(
    encodeFrame({ type: entry.type, seq: entry.seq, id: entry.id, data: entry.data }),
  );
}
