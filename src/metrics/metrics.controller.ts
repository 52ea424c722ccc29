import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { PROMETHEUS_REGISTRY } from './metrics.constants';

/** `GET /metrics`: Prometheus' text format, for a scraper. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry) {}

  /** Node's process metrics and the realtime module's (`nest_realtime_*`), for Prometheus. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: "Prometheus' text exposition format, version 0.0.4." })
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.registry.metrics();
    // Exactly prom-client's content type (Express's `type()` would insert a charset into it).
    response.setHeader('Content-Type', this.registry.contentType);
    response.end(text);
  }
}
