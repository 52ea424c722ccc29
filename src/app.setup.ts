import type { INestApplication } from '@nestjs/common';
import { RealtimeWsAdapter } from '@nest-realtime/core';
import { createValidationPipe } from './config/validation';
import { DatabaseUnavailableFilter } from './database/database-unavailable.filter';
import { setupOpenApi } from './openapi';

/** Everything `main.ts` applies to the app, shared with the e2e tests so they run what ships. */
export function configureApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(createValidationPipe());
  // 503 with Retry-After, not 500, while the database is unreachable or timing out.
  app.useGlobalFilters(new DatabaseUnavailableFilter(app.getHttpAdapter()));
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  setupOpenApi(app);
  return app;
}
