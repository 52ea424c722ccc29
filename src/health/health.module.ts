import { Module } from '@nestjs/common';
import { DatabaseHealthIndicator } from './database.health-indicator';
import { HealthController } from './health.controller';

/** `GET /health` for load balancers and orchestrators. Needs the global `DatabaseModule`. */
@Module({
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator],
})
export class HealthModule {}
