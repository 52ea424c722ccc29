import { ApiTags } from '@nestjs/swagger';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseHealthIndicator } from './database.health-indicator';
import type { HealthStatus } from './health-status.interface';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealthIndicator) {}

  /** 200 with `status: 'ok'` when the database answers; 503 with the same shape otherwise. */
  @Get()
  async check(): Promise<HealthStatus> {
    const databaseUp = await this.database.isUp();
    const status: HealthStatus = {
      status: databaseUp ? 'ok' : 'unavailable',
      uptimeSeconds: Math.floor(process.uptime()),
      database: databaseUp ? 'up' : 'down',
    };
    if (!databaseUp) throw new ServiceUnavailableException(status);
    return status;
  }
}
