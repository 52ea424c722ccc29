import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
import { ConnectionRegistry, type RegistryObserver } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type { PresenceRefreshEntry, PresenceStore } from './presence-store.interface';

/**
 * Entries per round of a refresh: bounds what one round holds in memory and how long it keeps
 * the event loop; the rounds follow one another, each one round trip for all of its entries.
 */
const REFRESH_ROUND = 1_000;

/**
 * Keeps this instance's part of the cluster-wide presence in the `presence` store, when there is
 * one: told of every change by the registry, it writes each one at once (one command per
 * connect, close, join and leave), and every `presenceRefreshMs` it rewrites all of its part —
 * which both keeps it alive (entries live two refresh periods) and repairs what a failed write or
 * a Redis restart lost. Without a store it does nothing.
 *
 * The counts it writes are its own, not the registry's: a connection is counted from the moment
 * its handshake claims a place under the cluster-wide cap until it closes.
 */
@Injectable()
export class PresenceTracker
  implements RegistryObserver, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('RealtimePresence');
  private readonly store: PresenceStore | undefined;
  private readonly refreshMs: number;
  /** This instance in the store. */
  private readonly instanceId = randomBytes(12).toString('hex');
  /** Per user: connections counted in the store by this instance (granted claims included). */
  private readonly held = new Map<string, number>();
  /** Per user: granted claims whose connection is not registered yet. */
  private readonly unplaced = new Map<string, number>();
  /** Per user: claims sent and not answered yet; the refresh leaves their counts alone. */
  private readonly claiming = new Map<string, number>();
  /** Per room: this instance's members and their connections in it. */
  private readonly rooms = new Map<string, Map<string, number>>();
  /** Users and rooms no longer held here whose last write failed: the next refresh clears them. */
  private readonly staleUsers = new Set<string>();
  private readonly staleRooms = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Whether a failed write was logged since the store was last up (one line per outage). */
  private failureLogged = false;

  constructor(
    @Inject(REALTIME_OPTIONS)
    options: Pick<ResolvedRealtimeOptions, 'presence' | 'presenceRefreshMs'>,
    registry: ConnectionRegistry,
  ) {
    this.store = options.presence;
    this.refreshMs = options.presenceRefreshMs;
    if (this.store !== undefined) registry.observe(this);
  }

  onApplicationBootstrap(): void {
    const store = this.store;
    if (store === undefined) return;
    store.start({
      instanceId: this.instanceId,
      entryTtlMs: 2 * this.refreshMs,
      up: () => {
        this.failureLogged = false;
        // Back after an outage (or a Redis restart that lost everything): rewrite at once.
        void this.refresh();
      },
    });
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Every connection was closed before (their decrements are sent); stop lets them finish.
    await this.refreshing;
    await this.store?.stop();
  }

  /**
   * For the handshake: counts a connection of `userId` against the cluster-wide cap.
   *
   * @returns `undefined` without a store (the local cap is all there is); otherwise whether the
   *   connection may go ahead. Never rejects: when the store cannot answer, the claim is granted
   *   — the local cap still holds — and the count reaches the store with the next refresh.
   */
  claim(userId: string, max: number): Promise<boolean> | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    add(this.claiming, userId, 1);
    return store.claimConnection(userId, max).then(
      (claimed) => this.claimAnswered(userId, claimed),
      (error: unknown) => {
        this.writeFailed(error);
        return this.claimAnswered(userId, true);
      },
    );
  }

  /** A granted claim whose handshake did not complete. */
  releaseClaim(userId: string): void {
    if (this.store === undefined) return;
    add(this.unplaced, userId, -1);
    this.releaseConnection(userId);
  }

  connectionAdded(connection: RealtimeConnection): void {
    const { userId } = connection;
    // Claimed during the handshake: already counted.
    if ((this.unplaced.get(userId) ?? 0) > 0) {
      add(this.unplaced, userId, -1);
      return;
    }
    add(this.held, userId, 1);
    this.write(this.store!.changeConnections(userId, 1), () => this.userWriteFailed(userId));
  }

  connectionRemoved(connection: RealtimeConnection, rooms: ReadonlySet<string> | undefined): void {
    this.releaseConnection(connection.userId);
    if (rooms !== undefined) for (const room of rooms) this.roomLeft(connection, room);
  }

  roomJoined(connection: RealtimeConnection, room: string): void {
    const { userId } = connection;
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Map();
      this.rooms.set(room, members);
    }
    add(members, userId, 1);
    this.write(this.store!.changeRoomMember(room, userId, 1), () => this.roomWriteFailed(room));
  }

  roomLeft(connection: RealtimeConnection, room: string): void {
    const { userId } = connection;
    const members = this.rooms.get(room);
    if (members === undefined || !members.has(userId)) return;
    add(members, userId, -1);
    if (members.size === 0) this.rooms.delete(room);
    this.write(this.store!.changeRoomMember(room, userId, -1), () => this.roomWriteFailed(room));
  }

  /**
   * Rewrites this instance's whole part (every user and room it holds, and those a failed write
   * left behind), in rounds of {@link REFRESH_ROUND}. Each round's counts are read right when it
   * is sent, in order with the writes before and after it, so it never undoes a newer change.
   * A refresh asked for while one runs runs once more after it.
   */
  refresh(): Promise<void> {
    if (this.refreshing !== undefined) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.refreshRounds().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async refreshRounds(): Promise<void> {
    const store = this.store;
    if (store === undefined) return;
    const users = [...new Set([...this.held.keys(), ...this.staleUsers])];
    const rooms = [...new Set([...this.rooms.keys(), ...this.staleRooms])];
    let failed = 0;
    for (let start = 0; start < users.length + rooms.length; start += REFRESH_ROUND) {
      const entries: PresenceRefreshEntry[] = [];
      for (let i = start; i < Math.min(start + REFRESH_ROUND, users.length + rooms.length); i++) {
        if (i < users.length) {
          const userId = users[i];
          entries.push({
            kind: 'user',
            userId,
            connections: this.claiming.has(userId) ? undefined : (this.held.get(userId) ?? 0),
          });
        } else {
          const room = rooms[i - users.length];
          entries.push({ kind: 'room', room, members: new Map(this.rooms.get(room)) });
        }
      }
      let written: boolean[];
      try {
        written = await store.refresh(entries);
      } catch (error) {
        written = entries.map(() => false);
        this.writeFailed(error);
      }
      entries.forEach((entry, index) => {
        if (!written[index]) failed++;
        if (entry.kind === 'user') {
          if (!this.held.has(entry.userId) && written[index]) this.staleUsers.delete(entry.userId);
        } else if (!this.rooms.has(entry.room) && written[index]) {
          this.staleRooms.delete(entry.room);
        }
      });
    }
    if (failed > 0) this.writeFailed(undefined);
  }

  private claimAnswered(userId: string, claimed: boolean): boolean {
    add(this.claiming, userId, -1);
    if (claimed) {
      add(this.held, userId, 1);
      add(this.unplaced, userId, 1);
    }
    return claimed;
  }

  private releaseConnection(userId: string): void {
    if (!this.held.has(userId)) return;
    add(this.held, userId, -1);
    this.write(this.store!.changeConnections(userId, -1), () => this.userWriteFailed(userId));
  }

  private userWriteFailed(userId: string): void {
    // Still held: the next refresh writes it anyway.
    if (!this.held.has(userId)) this.staleUsers.add(userId);
  }

  private roomWriteFailed(room: string): void {
    if (!this.rooms.has(room)) this.staleRooms.add(room);
  }

  private write(sent: Promise<void>, onFailure: () => void): void {
    sent.catch((error: unknown) => {
      onFailure();
      this.writeFailed(error);
    });
  }

  private writeFailed(error: unknown): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    this.logger.warn(messages.presenceWriteFailed(error));
  }
}

/** Adds `delta` to a count, deleting it at zero (counts never go below). */
function add<K>(counts: Map<K, number>, key: K, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
