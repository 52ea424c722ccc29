import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import * as messages from '../realtime.messages';
import { RealtimeErrorCode } from '../protocol/realtime-codes';
import { RealtimeException } from './realtime.exception';
import { toFieldViolations } from './validation-details';

/**
 * Validates the `data` of one of the module's own messages (`join`, `ack`, …) against its DTO,
 * unknown fields refused, the way the validation pipe treats application handlers.
 *
 * @throws RealtimeException `VALIDATION_FAILED` with every field's failed constraints.
 */
export async function validateBuiltInPayload<T extends object>(
  dtoClass: ClassConstructor<T>,
  data: unknown,
): Promise<T> {
  const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  const dto = plainToInstance(dtoClass, isObject ? data : {});
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new RealtimeException(
      RealtimeErrorCode.VALIDATION_FAILED,
      messages.validationFailed(),
      toFieldViolations(errors),
    );
  }
  return dto;
}
