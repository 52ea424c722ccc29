import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ClusterConnections } from '../cluster/cluster-connections';

/**
 * Tells whether this instance's cluster bus is connected to Redis. It reads the state the
 * transport keeps (it reconnects by itself) rather than sending a command, so a probe costs
 * nothing and never waits on a Redis that drops packets.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly cluster: ClusterConnections,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Whether `REDIS_URL` is set, i.e. whether readiness depends on Redis at all. */
  get configured(): boolean {
    return this.cluster.redis !== undefined;
  }

  /** `up` while the cluster bus is connected, `down` otherwise (or without `REDIS_URL`). */
  check<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const session = this.indicators.check(key);
    return this.cluster.redis === 'up' ? session.up() : session.down();
  }
}
