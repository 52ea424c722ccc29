import { Redis, type RedisOptions } from 'ioredis';
import type {
  ClusterTransport,
  ClusterTransportHandlers,
  ClusterTransportState,
} from '../cluster/cluster-transport.interface';
import * as messages from '../realtime.messages';

/** Options of {@link RedisClusterTransport}. */
export interface RedisClusterTransportOptions {
  /** `redis://[user:password@]host:port[/db]`; default: ioredis's own default (127.0.0.1:6379). */
  url?: string;
  /** ioredis options, for what a URL cannot say (TLS, Sentinel, timeouts, …). */
  redis?: RedisOptions;
  /**
   * The pub/sub channel. Instances on the same Redis and channel form one cluster; give each
   * app (or environment) sharing a Redis its own. Default `'nest-realtime:bus'`.
   */
  channel?: string;
}

/**
 * The cluster transport on Redis pub/sub (ioredis): one channel every instance subscribes to,
 * one `PUBLISH` per message. Two connections, as pub/sub needs: the subscriber (which
 * resubscribes by itself after every reconnect and only then reports the transport up) and the
 * publisher (no offline queue: while Redis is down a publish is dropped at once instead of
 * piling up in memory and flooding the other instances, stale, when it returns).
 *
 * Why one channel and classic `PUBLISH` rather than sharded pub/sub: every instance needs
 * almost every message (a room or a user's devices span instances, and durable entries must
 * reach every instance with a connection of the user), so per-user or per-room channels would
 * cost a `SUBSCRIBE` per connect and join for little traffic saved. On a Redis Cluster, point
 * the transport at one node's address: classic pub/sub works cluster-wide; a deployment whose
 * bus traffic outgrows one Redis should shard instances by app instead.
 */
export class RedisClusterTransport implements ClusterTransport {
  private readonly channel: string;
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private subscribed = false;
  private everUp = false;
  private stopped = false;
  private lastError: unknown;

  constructor(private readonly options: RedisClusterTransportOptions = {}) {
    this.channel = options.channel ?? 'nest-realtime:bus';
  }

  get state(): ClusterTransportState {
    if (this.subscribed && this.publisher?.status === 'ready') return 'up';
    return this.everUp ? 'down' : 'connecting';
  }

  start(handlers: ClusterTransportHandlers): void {
    if (this.publisher !== undefined) throw new Error(messages.transportStartedTwice());
    this.publisher = this.connect({ enableOfflineQueue: false });
    const subscriber = (this.subscriber = this.connect({ autoResubscribe: false }));
    subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) =>
      handlers.message(message),
    );
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          if (this.stopped) return;
          this.subscribed = true;
          this.everUp = true;
          handlers.up();
        },
        // The connection dropped again before the subscription; `ready` comes back with it.
        () => undefined,
      );
    });
    subscriber.on('close', () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      if (!this.stopped) handlers.down(this.lastError);
    });
  }

  publish(payload: Buffer): boolean {
    const publisher = this.publisher;
    if (publisher === undefined || publisher.status !== 'ready') return false;
    // A publish lost in a connection that drops is lost to the others like one sent while down.
    publisher.publish(this.channel, payload).catch(() => undefined);
    return true;
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.subscribed = false;
    // disconnect(), not quit(): quit waits for a Redis that may be down.
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
    return Promise.resolve();
  }

  private connect(extra: RedisOptions): Redis {
    const options: RedisOptions = { ...this.options.redis, ...extra };
    const client =
      this.options.url === undefined ? new Redis(options) : new Redis(this.options.url, options);
    // Reconnects are ioredis's; errors only say why the transport is down (never thrown).
    client.on('error', (error: unknown) => (this.lastError = error));
    return client;
  }
}
