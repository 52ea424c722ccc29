import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { DatabaseHealthIndicator } from './database.health-indicator';
import { HealthController } from './health.controller';

/** `GET /health` for load balancers and orchestrators. Needs the global `DatabaseModule`. */
@Module({
  imports: [ClusterModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator],
})
export class HealthModule {}
