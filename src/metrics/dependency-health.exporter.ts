import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { ClusterConnections } from '../cluster/cluster-connections';
import { DatabaseHealthIndicator } from '../health/database.health-indicator';
import { PROMETHEUS_REGISTRY } from './metrics.constants';
import { registerSnapshotMetrics, SnapshotMetric } from './snapshot.metric';

/**
 * `nest_realtime_database_up` and `nest_realtime_redis_up` (1 up, 0 down), checked when scraped
 * the way `GET /health` checks them: a query of the database, the cluster bus's Redis state.
 * Without `REDIS_URL` there is no Redis gauge.
 */
@Injectable()
export class DependencyHealthExporter implements OnModuleInit {
  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly cluster: ClusterConnections,
    @Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    registerSnapshotMetrics(this.registry, [
      new SnapshotMetric(
        'nest_realtime_database_up',
        'Whether the database answers (1) or not (0).',
        'gauge',
        async () => [{ value: (await this.database.isUp()) ? 1 : 0 }],
      ),
      new SnapshotMetric(
        'nest_realtime_redis_up',
        "Whether this instance's cluster bus is connected to Redis (1) or not (0).",
        'gauge',
        () => {
          const state = this.cluster.redis;
          return state === undefined ? [] : [{ value: state === 'up' ? 1 : 0 }];
        },
      ),
    ]);
  }
}
