import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * A refusal the client should retry after `retryAfterSeconds`: 429 (this client asked too
 * often) or 503 (the server is busy). {@link RetryAfterFilter} sends it with `Retry-After`.
 */
export class RetryLaterException extends HttpException {
  constructor(
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE,
    /** Whole seconds, at least 1. */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super({ statusCode: status, message }, status);
  }
}
