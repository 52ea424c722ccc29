import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Name of the bearer scheme that guarded routes refer to (`@ApiBearerAuth(BEARER)`). */
export const BEARER = 'bearer';

/** Name of the scheme `GET /metrics` refers to when METRICS_TOKEN is set. */
export const METRICS_BEARER = 'metrics-token';

/**
 * Serves the REST API's OpenAPI document at `/docs` (UI) and `/docs-json`. Schemas come from
 * the DTOs' class-validator rules and TSDoc comments (the `@nestjs/swagger` compiler plugin in
 * nest-cli.json); the WebSocket protocol is described separately, in docs/asyncapi.yaml.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Nest Realtime reference backend')
    .setDescription(
      'Auth, reminders and the notification inbox. Live pushes arrive over the WebSocket at `/ws` ' +
        '(see docs/protocol.md and docs/asyncapi.yaml).',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'METRICS_TOKEN, when the deployment sets one (a scraper credential).',
      },
      METRICS_BEARER,
    )
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'docs-json',
    // No badge from validator.swagger.io: it would send the document's URL to a third party,
    // and the Content-Security-Policy (img-src 'self') blocks it anyway.
    swaggerOptions: { validatorUrl: null },
  });
}
