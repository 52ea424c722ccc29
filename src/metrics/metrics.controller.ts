import { Controller, Get, Header, Inject, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { METRICS_BEARER } from '../openapi';
import { PROMETHEUS_REGISTRY } from './metrics.constants';
import { MetricsTokenGuard } from './metrics-token.guard';

/** `GET /metrics`: Prometheus' text format, for a scraper (behind METRICS_TOKEN when it is set). */
@ApiTags('operations')
@ApiBearerAuth(METRICS_BEARER)
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry) {}

  /** Node's process metrics and the realtime module's (`nest_realtime_*`), for Prometheus. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: "Prometheus' text exposition format, version 0.0.4." })
  @ApiUnauthorizedResponse({
    description: 'METRICS_TOKEN is set and the request does not carry it as a bearer token.',
  })
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.registry.metrics();
    // Exactly prom-client's content type (Express's `type()` would insert a charset into it).
    response.setHeader('Content-Type', this.registry.contentType);
    response.end(text);
  }
}
