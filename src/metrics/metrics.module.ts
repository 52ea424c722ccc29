import { Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ClusterModule } from '../cluster/cluster.module';
import { HealthModule } from '../health/health.module';
import { DependencyHealthExporter } from './dependency-health.exporter';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { PROMETHEUS_REGISTRY } from './metrics.constants';
import { RealtimeMetricsExporter } from './realtime-metrics.exporter';

/**
 * Prometheus metrics at `GET /metrics`: Node's process metrics and the realtime library's.
 * A registry per application rather than prom-client's global one: two applications in one
 * process (the tests start many) would otherwise register the same metric names twice, which
 * prom-client refuses.
 */
@Module({
  imports: [HealthModule, ClusterModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: PROMETHEUS_REGISTRY,
      useFactory: (): Registry => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    RealtimeMetricsExporter,
    DependencyHealthExporter,
    MetricsTokenGuard,
  ],
  exports: [PROMETHEUS_REGISTRY],
})
export class MetricsModule {}
