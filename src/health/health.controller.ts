import { ApiTags } from '@nestjs/swagger';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ClusterConnections } from '../cluster/cluster-connections';
import { DatabaseHealthIndicator } from './database.health-indicator';
import type { HealthStatus } from './health-status.interface';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly cluster: ClusterConnections,
  ) {}

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
