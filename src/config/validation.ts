import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { toFieldViolations, type FieldViolation } from '@nest-realtime/core';
import type { ValidationError } from 'class-validator';
import { validationFailed } from './config.messages';

/** One invalid field: its dotted path and each failed constraint with its text (same shape as WebSocket `VALIDATION_FAILED` details). */
export type FieldDetail = FieldViolation;

/** The body of a REST 400 caused by validation. */
export interface ValidationFailureBody {
  statusCode: 400;
  error: 'Bad Request';
  message: string;
  details: FieldDetail[];
}

/**
 * The application's global pipe: strips nothing silently (an unknown property is a 400), turns
 * payloads into DTO instances, and answers with {@link ValidationFailureBody}. Submitted values
 * are kept out of the errors, so a password never ends up in a response or a log.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const body: ValidationFailureBody = {
        statusCode: 400,
        error: 'Bad Request',
        message: validationFailed(),
        details: toFieldViolations(errors),
      };
      return new BadRequestException(body);
    },
  });
}
