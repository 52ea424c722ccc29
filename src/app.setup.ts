import type { INestApplication } from '@nestjs/common';
import { RealtimeWsAdapter } from '@nest-realtime/core';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { AppConfigService } from './config';
import { createValidationPipe } from './config/validation';
import { DatabaseUnavailableFilter } from './database/database-unavailable.filter';
import { securityHeaders } from './http/security-headers.middleware';
import { setupOpenApi } from './openapi';

/** Everything `main.ts` applies to the app, shared with the e2e tests so they run what ships. */
export function configureApp(app: INestApplication): INestApplication {
  configureHttp(app, app.get(AppConfigService));
  app.useGlobalPipes(createValidationPipe());
  // 503 with Retry-After, not 500, while the database is unreachable or timing out.
  app.useGlobalFilters(new DatabaseUnavailableFilter(app.getHttpAdapter()));
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  setupOpenApi(app);
  return app;
}

/**
 * The HTTP layer: security headers, CORS, proxy trust and server timeouts. Applied before any
 * route is registered, so the headers reach every response, errors and 404s included.
 */
function configureHttp(app: INestApplication, config: AppConfigService): void {
  const { http, allowedOrigins } = config;
  app.use(securityHeaders());
  // The API authenticates with a bearer header, never cookies, so credentials stay off.
  if (allowedOrigins.length > 0) {
    app.enableCors({
      origin: allowedOrigins,
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  (app.getHttpAdapter().getInstance() as Express).set('trust proxy', http.trustProxy);
  // The server exists from creation on; these apply to every connection it accepts later.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  server.headersTimeout = http.headersTimeoutMs;
}
