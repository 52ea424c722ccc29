import { Injectable } from '@nestjs/common';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { ConnectionSender } from './connection.sender';
import type { DeliveryTarget } from './delivery-target';
import type { PreparedFrame } from './prepared-frame';
import type { RealtimeBus } from './realtime-bus.interface';

/** Delivers to the connections of this process only. */
@Injectable()
export class LocalRealtimeBus implements RealtimeBus {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {}

  publish(target: DeliveryTarget, frame: PreparedFrame): number {
    switch (target.kind) {
      case 'user':
        return this.sendToEach(this.registry.connectionsOf(target.userId), frame);
      case 'room':
        return this.sendToEach(this.registry.membersOf(target.room), frame);
      case 'all':
        return this.sendToEach(this.registry.all(), frame);
      case 'connection': {
        const connection = this.registry.get(target.connectionId);
        return connection !== undefined && this.sender.sendPrepared(connection, frame) ? 1 : 0;
      }
    }
  }

  disconnectUser(userId: string, code: number, reason: string): number {
    let closed = 0;
    // A copy: removing a connection changes the user's set.
    for (const connection of [...this.registry.connectionsOf(userId)]) {
      this.registry.remove(connection);
      connection.socket.close(code, reason);
      closed++;
    }
    return closed;
  }

  private sendToEach(connections: Iterable<RealtimeConnection>, frame: PreparedFrame): number {
    let reached = 0;
    // Deleting the current element while iterating a Set or Map is safe, so a slow consumer
    // closed mid-loop does not disturb the others.
    for (const connection of connections) {
      if (this.sender.sendPrepared(connection, frame)) reached++;
    }
    return reached;
  }
}
