import { Redis, type RedisOptions } from 'ioredis';
import type {
  PresenceRefreshEntry,
  PresenceStore,
  PresenceStoreContext,
} from '../presence/presence-store.interface';
import { PresenceUnavailableError } from '../presence/presence-unavailable.error';
import * as messages from '../realtime.messages';
import { CHANGE_SCRIPT, CLAIM_SCRIPT, READ_SCRIPT, REFRESH_SCRIPT } from './redis-presence.scripts';

/** How long commands wait for the store's first connection before they fail. */
const FIRST_CONNECT_WAIT_MS = 2_000;
/** How long `stop()` lets the writes already sent finish. */
const STOP_WAIT_MS = 1_000;

/** Options of {@link RedisPresenceStore}. */
export interface RedisPresenceStoreOptions {
  /** `redis://…`; default: ioredis's own default (127.0.0.1:6379). */
  url?: string;
  /** ioredis options, for what a URL cannot say. */
  redis?: RedisOptions;
  /** Prefix of the keys; instances sharing it count together. Default `'nest-realtime:presence:'`. */
  keyPrefix?: string;
  /**
   * Milliseconds a command may take before it fails: bounds what a handshake waits for its
   * claim (it then goes ahead under this instance's cap) and a presence read (it then rejects).
   * Default `1000`.
   */
  commandTimeoutMs?: number;
}

/** The scripts, as ioredis commands (`defineCommand`: EVALSHA, EVAL the first time). */
interface PresenceCommands {
  presenceRead(key: string): Promise<(string | number)[]>;
  presenceClaim(key: string, instance: string, max: number, ttl: number): Promise<number>;
  presenceChange(
    key: string,
    instance: string,
    member: string,
    delta: number,
    ttl: number,
  ): Promise<number>;
  presenceRefresh(key: string, ...args: (string | number)[]): Promise<number>;
}

type PresenceClient = Redis & PresenceCommands;

/**
 * Cluster-wide presence in Redis (ioredis): per user a hash of each instance's connection count,
 * per room a hash of each instance's members, each with per-instance expiry times that the
 * instance pushes forward every `presenceRefreshMs`. Every change is one Lua script on one key,
 * so it is atomic — the cap check and the increment of a handshake's claim included — and reads
 * drop what dead instances left. Scripts use Redis's clock, not the instances'.
 *
 * Redis Cluster: each script touches exactly one key (a user's or a room's), so no hash tag is
 * needed and the keys spread over all slots; only a per-instance liveness key read together
 * with every user's key would have forced everything into one slot, which is why expiry lives
 * in each hash instead. (The options take one node's address, as `RedisClusterTransport` does.)
 *
 * One connection, no offline queue, a command timeout: writes go out in the order they are made
 * (the module relies on that; the one exception, a script re-sent as `EVAL` after a
 * `SCRIPT FLUSH` on a live connection, is repaired by the next refresh), and while Redis is down
 * every call fails at once with a `PresenceUnavailableError` instead of waiting.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly keyPrefix: string;
  private client: PresenceClient | undefined;
  private context: PresenceStoreContext | undefined;
  /** Resolves once the first connection is up (or given up): commands wait for it. */
  private firstReady: Promise<void> = Promise.resolve();
  private wasReady = false;

  constructor(private readonly options: RedisPresenceStoreOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? 'nest-realtime:presence:';
  }

  start(context: PresenceStoreContext): void {
    if (this.client !== undefined) throw new Error(messages.presenceStoreStartedTwice());
    this.context = context;
    const redisOptions: RedisOptions = {
      commandTimeout: this.options.commandTimeoutMs ?? 1_000,
      ...this.options.redis,
      enableOfflineQueue: false,
    };
    const client = (
      this.options.url === undefined
        ? new Redis(redisOptions)
        : new Redis(this.options.url, redisOptions)
    ) as PresenceClient;
    client.defineCommand('presenceRead', { numberOfKeys: 1, lua: READ_SCRIPT });
    client.defineCommand('presenceClaim', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    client.defineCommand('presenceChange', { numberOfKeys: 1, lua: CHANGE_SCRIPT });
    client.defineCommand('presenceRefresh', { numberOfKeys: 1, lua: REFRESH_SCRIPT });
    // Failures surface on the commands; reconnecting is ioredis's.
    client.on('error', () => undefined);
    this.firstReady = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
      timer.unref();
      client.once('ready', () => {
        clearTimeout(timer);
        this.wasReady = true;
        resolve();
      });
      // No more retries (a `retryStrategy` that gives up): nothing to wait for.
      client.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    // After the commands that waited for the first connection, which went out first.
    client.on('ready', () => void this.firstReady.then(() => context.up()));
    this.client = client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    if (client.status === 'ready') {
      // QUIT is answered after the writes sent before it; bounded, as Redis may stall.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        client.quit().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    client.disconnect();
  }

  async connectionCount(userId: string): Promise<number> {
    const reply = await this.run((client) => client.presenceRead(this.userKey(userId)));
    return reply.length === 0 ? 0 : Number(reply[1]);
  }

  async roomMembers(room: string): Promise<string[]> {
    const reply = await this.run((client) => client.presenceRead(this.roomKey(room)));
    const members: string[] = [];
    for (let i = 0; i < reply.length; i += 2) members.push(String(reply[i]));
    return members;
  }

  async claimConnection(userId: string, max: number): Promise<boolean> {
    const { instanceId, entryTtlMs } = this.context!;
    const claimed = await this.run((client) =>
      client.presenceClaim(this.userKey(userId), instanceId, max, entryTtlMs),
    );
    return claimed === 1;
  }

  async changeConnections(userId: string, delta: number): Promise<void> {
    const { instanceId, entryTtlMs } = this.context!;
    await this.run((client) =>
      client.presenceChange(this.userKey(userId), instanceId, '', delta, entryTtlMs),
    );
  }

  async changeRoomMember(room: string, userId: string, delta: number): Promise<void> {
    const { instanceId, entryTtlMs } = this.context!;
    await this.run((client) =>
      client.presenceChange(this.roomKey(room), instanceId, userId, delta, entryTtlMs),
    );
  }

  refresh(entries: readonly PresenceRefreshEntry[]): Promise<boolean[]> {
    const { instanceId, entryTtlMs } = this.context!;
    // Sent one after the other without waiting (pipelined on the connection), in this call.
    const sent = entries.map((entry) => {
      const [key, args] =
        entry.kind === 'user'
          ? [
              this.userKey(entry.userId),
              entry.connections === undefined
                ? ['touch']
                : ['set', ...(entry.connections > 0 ? ['', entry.connections] : [])],
            ]
          : [this.roomKey(entry.room), ['set', ...[...entry.members].flat()]];
      return this.run((client) =>
        client.presenceRefresh(key, instanceId, entryTtlMs, ...args),
      ).then(
        () => true,
        () => false,
      );
    });
    return Promise.all(sent);
  }

  /**
   * Sends a command at once — synchronously, so that commands leave in the order they are made
   * — or, before the first connection, once it is up; a failure becomes a
   * `PresenceUnavailableError`.
   */
  private run<T>(send: (client: PresenceClient) => Promise<T>): Promise<T> {
    const client = this.client;
    if (client === undefined) return Promise.reject(new PresenceUnavailableError());
    const sendNow = (): Promise<T> =>
      // Not connected: fail here rather than hand ioredis a command it can only refuse.
      client.status === 'ready'
        ? send(client)
        : Promise.reject(new Error(`Redis connection ${client.status}`));
    const sent = this.wasReady ? sendNow() : this.firstReady.then(sendNow);
    return sent.catch((error: unknown) => {
      throw new PresenceUnavailableError({ cause: error });
    });
  }

  private userKey(userId: string): string {
    return `${this.keyPrefix}user:${userId}`;
  }

  private roomKey(room: string): string {
    return `${this.keyPrefix}room:${room}`;
  }
}
