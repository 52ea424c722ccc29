import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { RetryLaterException } from './retry-later.exception';

/** Answers a {@link RetryLaterException} with its status, its body and a `Retry-After` header. */
@Catch(RetryLaterException)
export class RetryAfterFilter implements ExceptionFilter {
  catch(exception: RetryLaterException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response
      .status(exception.getStatus())
      .setHeader('Retry-After', String(exception.retryAfterSeconds))
      .json(exception.getResponse());
  }
}
