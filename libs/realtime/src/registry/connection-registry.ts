import { Inject, Injectable } from '@nestjs/common';
import { RealtimeException } from '../messaging/realtime.exception';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import type { RealtimeConnection } from './realtime-connection';

const EMPTY: ReadonlySet<never> = new Set<never>();

/**
 * Told of every change to the registry, right after it happened (the presence tracker, which
 * mirrors them into a cluster-wide presence store). Must not throw.
 */
export interface RegistryObserver {
  connectionAdded(connection: RealtimeConnection): void;
  /** `rooms`: the rooms it was in, which it leaves with it. */
  connectionRemoved(connection: RealtimeConnection, rooms: ReadonlySet<string> | undefined): void;
  roomJoined(connection: RealtimeConnection, room: string): void;
  roomLeft(connection: RealtimeConnection, room: string): void;
}

/**
 * Every open connection of this instance, indexed by id, by user (one user, many devices) and by
 * room, in both directions. Removing a connection removes it from every index; empty sets are
 * deleted so that the maps only hold live users and rooms.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly byId = new Map<string, RealtimeConnection>();
  private readonly byUser = new Map<string, Set<RealtimeConnection>>();
  private readonly byRoom = new Map<string, Set<RealtimeConnection>>();
  private readonly maxRoomsPerConnection: number;
  private observer: RegistryObserver | undefined;

  constructor(
    @Inject(REALTIME_OPTIONS) options: Pick<ResolvedRealtimeOptions, 'maxRoomsPerConnection'>,
  ) {
    this.maxRoomsPerConnection = options.maxRoomsPerConnection;
  }

  /** Sets the one observer of changes (the module's presence tracker). */
  observe(observer: RegistryObserver): void {
    this.observer = observer;
  }

  /** Number of open connections. */
  get size(): number {
    return this.byId.size;
  }

  /** Registers an accepted connection. */
  add(connection: RealtimeConnection): void {
    this.byId.set(connection.id, connection);
    let devices = this.byUser.get(connection.userId);
    if (devices === undefined) {
      devices = new Set();
      this.byUser.set(connection.userId, devices);
    }
    devices.add(connection);
    connection.registered = true;
    this.observer?.connectionAdded(connection);
  }

  /** Forgets a connection everywhere; safe to call more than once. */
  remove(connection: RealtimeConnection): void {
    if (!connection.registered) return;
    connection.registered = false;
    this.byId.delete(connection.id);
    deleteFrom(this.byUser, connection.userId, connection);
    const rooms = connection.rooms;
    if (rooms !== undefined) {
      for (const room of rooms) deleteFrom(this.byRoom, room, connection);
      connection.rooms = undefined;
    }
    this.observer?.connectionRemoved(connection, rooms);
  }

  /** The connection with this id, if open. */
  get(connectionId: string): RealtimeConnection | undefined {
    return this.byId.get(connectionId);
  }

  /** Every open connection. */
  all(): IterableIterator<RealtimeConnection> {
    return this.byId.values();
  }

  /** Every open connection of a user (all its devices). */
  connectionsOf(userId: string): ReadonlySet<RealtimeConnection> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  /** Whether the user has at least one open connection on this instance. */
  isOnline(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /** Every connection in a room. */
  membersOf(room: string): ReadonlySet<RealtimeConnection> {
    return this.byRoom.get(room) ?? EMPTY;
  }

  /** Rooms a connection is in. */
  roomsOf(connectionId: string): ReadonlySet<string> {
    return this.byId.get(connectionId)?.rooms ?? EMPTY;
  }

  /**
   * Puts a connection in a room. Authorization is the caller's business: clients' `join`
   * requests go through `authorizeRoom` first. The cap holds for every caller, server code
   * included, because the rooms a handler joins on a client's behalf cost the same memory.
   *
   * @returns false when the connection is not open.
   * @throws RealtimeException `TOO_MANY_ROOMS` when the connection is already in
   *   `maxRoomsPerConnection` other rooms (thrown from a gateway handler, it reaches the client
   *   as that `error` frame).
   */
  join(connectionId: string, room: string): boolean {
    const connection = this.byId.get(connectionId);
    if (connection === undefined) return false;
    const rooms = (connection.rooms ??= new Set());
    if (rooms.has(room)) return true;
    if (rooms.size >= this.maxRoomsPerConnection) {
      throw new RealtimeException(
        RealtimeErrorCode.TOO_MANY_ROOMS,
        messages.tooManyRooms(this.maxRoomsPerConnection),
      );
    }
    rooms.add(room);
    let members = this.byRoom.get(room);
    if (members === undefined) {
      members = new Set();
      this.byRoom.set(room, members);
    }
    members.add(connection);
    this.observer?.roomJoined(connection, room);
    return true;
  }

  /**
   * Takes a connection out of a room.
   *
   * @returns whether it was in the room.
   */
  leave(connectionId: string, room: string): boolean {
    const connection = this.byId.get(connectionId);
    if (connection?.rooms === undefined || !connection.rooms.delete(room)) return false;
    if (connection.rooms.size === 0) connection.rooms = undefined;
    deleteFrom(this.byRoom, room, connection);
    this.observer?.roomLeft(connection, room);
    return true;
  }

  /** Number of rooms with at least one member. */
  get roomCount(): number {
    return this.byRoom.size;
  }

  /** Number of users with at least one connection. */
  get userCount(): number {
    return this.byUser.size;
  }
}

function deleteFrom<K>(
  index: Map<K, Set<RealtimeConnection>>,
  key: K,
  connection: RealtimeConnection,
): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(connection);
  if (set.size === 0) index.delete(key);
}
