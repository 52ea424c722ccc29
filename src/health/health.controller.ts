import { ApiTags } from '@nestjs/swagger';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { ClusterConnections } from '../cluster/cluster-connections';
import { DatabaseHealthIndicator } from './database.health-indicator';
import type { HealthStatus } from './health-status.interface';
import { LifecycleHealthIndicator } from './lifecycle.health-indicator';
import { RedisHealthIndicator } from './redis.health-indicator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly cluster: ClusterConnections,
    private readonly health: HealthCheckService,
    private readonly lifecycle: LifecycleHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * Liveness: 200 `{status: 'ok'}` whenever the process answers HTTP at all. It checks nothing
   * else on purpose: an orchestrator restarts a container whose liveness fails, and a restart
   * cures neither a database outage nor a drain. (Once shutdown begins terminus answers every
   * check, this one too, 503 `shutting_down`.)
   */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: 200 while this instance should get traffic; 503 once shutdown began (draining),
   * or while the database, or Redis when `REDIS_URL` is set, is down. Terminus's format:
   * `status`, and `info` / `error` / `details` per indicator (`lifecycle`, `database`, `redis`).
   */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => this.lifecycle.check('lifecycle'),
      () => this.database.check('database'),
    ];
    if (this.redis.configured) checks.push(() => this.redis.check('redis'));
    return this.health.check(checks);
  }

  /**
   * 200 with `status: 'ok'` when the database answers (and Redis, when configured, is
   * connected); 200 with `degraded` when only Redis is down; 503 with the same shape when the
   * database is down.
   */
  @Get()
  async check(): Promise<HealthStatus> {
    const databaseUp = await this.database.isUp();
    const redis = this.cluster.redis;
    const status: HealthStatus = {
      status: !databaseUp ? 'unavailable' : redis === 'down' ? 'degraded' : 'ok',
      uptimeSeconds: Math.floor(process.uptime()),
      database: databaseUp ? 'up' : 'down',
      ...(redis === undefined ? {} : { redis }),
    };
    if (!databaseUp) throw new ServiceUnavailableException(status);
    return status;
  }
}
