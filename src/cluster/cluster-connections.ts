import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  RedisClusterTransport,
  RedisPresenceStore,
  RedisWsTicketStore,
} from '@nest-realtime/core/redis';
import { AppConfigService } from '../config';

/** Redis as the health check reports it: absent when REDIS_URL is unset. */
export type RedisHealth = 'up' | 'down';

/**
 * The backend's Redis, when `REDIS_URL` makes it one of several instances: the cluster bus's
 * transport and the presence store (both started and stopped by the realtime module) and the
 * shared ticket store (closed here at shutdown). All reconnect by themselves; none throws into a
 * request uncontrolled while Redis is down.
 */
@Injectable()
export class ClusterConnections implements OnApplicationShutdown {
  readonly transport: RedisClusterTransport | undefined;
  readonly tickets: RedisWsTicketStore | undefined;
  readonly presence: RedisPresenceStore | undefined;

  constructor(config: AppConfigService) {
    const url = config.redisUrl;
    if (url === undefined) return;
    this.transport = new RedisClusterTransport({ url, channel: 'nest-realtime:backend' });
    this.tickets = new RedisWsTicketStore({ url, keyPrefix: 'nest-realtime:backend:ticket:' });
    this.presence = new RedisPresenceStore({ url, keyPrefix: 'nest-realtime:backend:presence:' });
  }

  /** `undefined` without Redis; otherwise whether the cluster bus is up. */
  get redis(): RedisHealth | undefined {
    if (this.transport === undefined) return undefined;
    return this.transport.state === 'up' ? 'up' : 'down';
  }

  onApplicationShutdown(): void {
    this.tickets?.close();
  }
}
