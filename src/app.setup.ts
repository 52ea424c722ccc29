import type { INestApplication } from '@nestjs/common';
import { RealtimeWsAdapter } from '@app/realtime';
import { createValidationPipe } from './config/validation';
import { setupOpenApi } from './openapi';

/** Everything `main.ts` applies to the app, shared with the e2e tests so they run what ships. */
export function configureApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new RealtimeWsAdapter(app));
  setupOpenApi(app);
  return app;
}
