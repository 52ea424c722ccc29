import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { PROMETHEUS_REGISTRY } from './metrics.constants';

/** `GET /metrics`: Prometheus' text format, for a scraper. Not part of the REST API. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.registry.metrics();
    // Exactly prom-client's content type (Express's `type()` would insert a charset into it).
    response.setHeader('Content-Type', this.registry.contentType);
    response.end(text);
  }
}
