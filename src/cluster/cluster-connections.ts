import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RedisClusterTransport, RedisWsTicketStore } from '@nest-realtime/core/redis';
import { AppConfigService } from '../config';

/** Redis as the health check reports it: absent when REDIS_URL is unset. */
export type RedisHealth = 'up' | 'down';

/**
 * The backend's Redis, when `REDIS_URL` makes it one of several instances: the cluster bus's
 * transport (started and stopped by the realtime module) and the shared ticket store (closed
 * here at shutdown). Both reconnect by themselves; neither throws into a request while Redis is
 * down.
 */
@Injectable()
export class ClusterConnections implements OnApplicationShutdown {
  readonly transport: RedisClusterTransport | undefined;
  readonly tickets: RedisWsTicketStore | undefined;

  constructor(config: AppConfigService) {
    const url = config.redisUrl;
    if (url === undefined) return;
    this.transport = new RedisClusterTransport({ url, channel: 'nest-realtime:backend' });
    this.tickets = new RedisWsTicketStore({ url, keyPrefix: 'nest-realtime:backend:ticket:' });
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
