/** What the module tells a {@link PresenceStore} when it starts it. */
export interface PresenceStoreContext {
  /** This instance's id in the store (random per process; hex, no `:`). */
  readonly instanceId: string;
  /**
   * How long this instance's entries live without a write: two refresh periods
   * (`presenceRefreshMs`). An instance that dies stops refreshing, and its entries vanish with it.
   */
  readonly entryTtlMs: number;
  /** The store is (back) up after being unreachable: the module rewrites its entries at once. */
  up(): void;
}

/** One entry of a {@link PresenceStore.refresh}: this instance's part of a user or a room. */
export type PresenceRefreshEntry =
  | {
      readonly kind: 'user';
      readonly userId: string;
      /**
       * This instance's connections of the user, to write as they are; `undefined` to only
       * extend the entry's life (a handshake's claim is on its way, so the count is not settled).
       */
      readonly connections: number | undefined;
    }
  | {
      readonly kind: 'room';
      readonly room: string;
      /** This instance's members of the room and their connections in it; empty removes them. */
      readonly members: ReadonlyMap<string, number>;
    };

/**
 * Where connections are counted across instances: per user, how many connections each instance
 * holds, and per room, which users each instance has in it. Every instance writes its own part
 * at once on connect, close, join and leave, and rewrites all of it every `presenceRefreshMs`;
 * a part not written for `entryTtlMs` is no longer counted (its instance died). Reads add up the
 * parts of the live instances.
 *
 * An implementation must apply one instance's writes in the order they were called (a refresh
 * rewrites counts read at the moment of the call, so a write overtaking it would be undone);
 * `@nest-realtime/core/redis` has one on Redis (`RedisPresenceStore`). Every method except
 * `start` may reject (the store is unreachable) with a `PresenceUnavailableError`.
 */
export interface PresenceStore {
  /** Connects in the background and returns at once. */
  start(context: PresenceStoreContext): void;
  /** Lets the writes already sent finish (briefly), then disconnects. */
  stop(): Promise<void>;
  /** Connections of `userId` on every live instance. */
  connectionCount(userId: string): Promise<number>;
  /** Users with at least one connection in `room` on a live instance, each once, in no order. */
  roomMembers(room: string): Promise<string[]>;
  /**
   * Counts one more connection of `userId` on this instance if the user holds fewer than `max`
   * on all live instances together; atomic with other instances' claims.
   *
   * @returns whether it was counted.
   */
  claimConnection(userId: string, max: number): Promise<boolean>;
  /** Adds `delta` (±) to this instance's connections of `userId`. */
  changeConnections(userId: string, delta: number): Promise<void>;
  /** Adds `delta` (±) to this instance's connections of `userId` in `room`. */
  changeRoomMember(room: string, userId: string, delta: number): Promise<void>;
  /**
   * Rewrites this instance's part of each entry and extends its life by `entryTtlMs`.
   *
   * @returns per entry, in order, whether it was written.
   */
  refresh(entries: readonly PresenceRefreshEntry[]): Promise<boolean[]>;
}
