import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { REALTIME_OPTIONS } from '../realtime.constants';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { PresenceStore } from './presence-store.interface';

/**
 * Who is connected: cluster-wide with a `presence` store (every live instance's connections,
 * read from the store at each call), this instance's registry otherwise. Inject it anywhere.
 *
 * Presence is queried, not pushed: nothing is broadcast when a user comes or goes. A count read
 * right after a connect or close on another instance may miss it by the time one store write
 * takes (about a round trip to Redis); a dead instance's connections stop counting within two
 * `presenceRefreshMs`.
 *
 * @throws PresenceUnavailableError (from every method, with a store) when the store cannot
 *   answer: the count is unknown, not zero.
 */
@Injectable()
export class RealtimePresence {
  private readonly store: PresenceStore | undefined;

  constructor(
    @Inject(REALTIME_OPTIONS) options: Pick<ResolvedRealtimeOptions, 'presence'>,
    private readonly registry: ConnectionRegistry,
  ) {
    this.store = options.presence;
  }

  /** Whether answers cover every instance (a `presence` store is configured) or this one. */
  get clusterWide(): boolean {
    return this.store !== undefined;
  }

  /** Whether the user has at least one open connection. */
  async isOnline(userId: string): Promise<boolean> {
    return (await this.connectionCount(userId)) > 0;
  }

  /**
   * How many connections the user has open (with a store: handshakes that have claimed their
   * place under the cap and are being completed included).
   */
  connectionCount(userId: string): Promise<number> {
    if (this.store !== undefined) return this.store.connectionCount(userId);
    return Promise.resolve(this.registry.connectionsOf(userId).size);
  }

  /** The users with at least one connection in the room, each once, in no particular order. */
  roomMembers(room: string): Promise<string[]> {
    if (this.store !== undefined) return this.store.roomMembers(room);
    const users = new Set<string>();
    for (const connection of this.registry.membersOf(room)) users.add(connection.userId);
    return Promise.resolve([...users]);
  }
}
