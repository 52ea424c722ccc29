import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import * as messages from '../realtime.messages';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { RealtimeException } from './realtime.exception';
import { toFieldViolations } from './validation-details';

/**
 * Validates message payloads against their DTO classes: unknown fields are rejected, values are
 * transformed to the DTO's types, and a failure becomes `VALIDATION_FAILED` with one entry per
 * field. Only `@MessageBody()` parameters are validated; the socket and custom parameters pass
 * through untouched.
 */
@Injectable()
export class RealtimeValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) =>
        new RealtimeException(
          RealtimeErrorCode.VALIDATION_FAILED,
          messages.validationFailed(),
          toFieldViolations(errors),
        ),
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Nest reports @MessageBody() as 'body' and the socket as 'custom'; only payloads are DTOs.
    if (metadata.type !== 'body') return Promise.resolve(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
