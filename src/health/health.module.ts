import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClusterModule } from '../cluster/cluster.module';
import { DatabaseHealthIndicator } from './database.health-indicator';
import { HealthController } from './health.controller';
import { LifecycleHealthIndicator } from './lifecycle.health-indicator';
import { RedisHealthIndicator } from './redis.health-indicator';

/**
 * `GET /health` (summary), `/health/live` and `/health/ready` for load balancers and
 * orchestrators. Needs the global `DatabaseModule` and the (global) realtime module, whose
 * draining state readiness reports.
 */
@Module({
  imports: [ClusterModule, TerminusModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, RedisHealthIndicator, LifecycleHealthIndicator],
  exports: [DatabaseHealthIndicator],
})
export class HealthModule {}
