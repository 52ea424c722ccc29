import { Injectable } from '@nestjs/common';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import { ConnectionSender } from './connection.sender';
import type { DeliveryTarget } from './delivery-target';
import type { RealtimeBus } from './realtime-bus.interface';

/** Delivers to the connections of this process only. */
@Injectable()
export class LocalRealtimeBus implements RealtimeBus {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: ConnectionSender,
  ) {}

  publish(target: DeliveryTarget, payload: Buffer): number {
    switch (target.kind) {
      case 'user':
        return this.sendToEach(this.registry.connectionsOf(target.userId), payload);
      case 'room':
        return this.sendToEach(this.registry.membersOf(target.room), payload);
      case 'all':
        return this.sendToEach(this.registry.all(), payload);
      case 'connection': {
        const connection = this.registry.get(target.connectionId);
        return connection !== undefined && this.sender.send(connection, payload) ? 1 : 0;
      }
    }
  }

  private sendToEach(connections: Iterable<RealtimeConnection>, payload: Buffer): number {
    let reached = 0;
    // Deleting the current element while iterating a Set or Map is safe, so a slow consumer
    // closed mid-loop does not disturb the others.
    for (const connection of connections) {
      if (this.sender.send(connection, payload)) reached++;
    }
    return reached;
  }
}
