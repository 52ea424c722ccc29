import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  RedisClusterTransport,
  RedisPresenceStore,
  RedisWsTicketStore,
} from '@nest-realtime/core/redis';
import { Redis } from 'ioredis';
import { AppConfigService } from '../config';

/** Redis as the health check reports it: absent when REDIS_URL is unset. */
export type RedisHealth = 'up' | 'down';

/**
 * The backend's Redis, when `REDIS_URL` makes it one of several instances: the cluster bus's
 * transport and the presence store (both started and stopped by the realtime module), the
 * shared ticket store, and a command connection for the backend's own shared counters (request
 * limits, login backoff), both closed here at shutdown. All reconnect by themselves; none throws
 * into a request uncontrolled while Redis is down.
 */
@Injectable()
export class ClusterConnections implements OnApplicationShutdown {
  readonly transport: RedisClusterTransport | undefined;
  readonly tickets: RedisWsTicketStore | undefined;
  readonly presence: RedisPresenceStore | undefined;
  /**
   * Commands for the backend's shared counters. No offline queue and one attempt a command: while
   * Redis is down a command fails at once and its caller counts in memory instead of waiting.
   */
  readonly commands: Redis | undefined;

  constructor(config: AppConfigService) {
    const url = config.redisUrl;
    if (url === undefined) return;
    this.transport = new RedisClusterTransport({ url, channel: 'nest-realtime:backend' });
    this.tickets = new RedisWsTicketStore({ url, keyPrefix: 'nest-realtime:backend:ticket:' });
    this.presence = new RedisPresenceStore({ url, keyPrefix: 'nest-realtime:backend:presence:' });
    this.commands = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
    });
    // Why it is down is the cluster bus's line to log; a failed command falls back by itself.
    this.commands.on('error', () => undefined);
  }

  /** `undefined` without Redis; otherwise whether the cluster bus is up. */
  get redis(): RedisHealth | undefined {
    if (this.transport === undefined) return undefined;
    return this.transport.state === 'up' ? 'up' : 'down';
  }

  onApplicationShutdown(): void {
    this.tickets?.close();
    this.commands?.disconnect();
  }
}
