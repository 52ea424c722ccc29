import {
  Catch,
  Logger,
  ServiceUnavailableException,
  type ArgumentsHost,
  type HttpServer,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { describeDatabaseError, isDatabaseUnavailable } from './database.errors';
import * as messages from './database.messages';

/** What `Retry-After` tells a client refused because the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Answers a request that failed because the database is unreachable or timed out (see
 * {@link isDatabaseUnavailable}) with 503, Nest's usual JSON error body, a stable message and
 * `Retry-After`, instead of 500: the client did nothing wrong and may retry. The cause goes to
 * the log as code and message only. Every other exception is handled as Nest would.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Database');

  constructor(private readonly httpAdapter: HttpServer) {
    super(httpAdapter);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || !isDatabaseUnavailable(exception)) {
      super.catch(exception, host);
      return;
    }
    const http = host.switchToHttp();
    const request = http.getRequest<{ method?: string; url?: string }>();
    // The path without its query string, which may carry values that do not belong in logs.
    const path = (request.url ?? '').split('?')[0];
    this.logger.warn(
      messages.requestFailedDatabaseUnavailable(
        request.method ?? '?',
        path,
        describeDatabaseError(exception),
      ),
    );
    this.httpAdapter.setHeader(
      http.getResponse(),
      'Retry-After',
      String(DATABASE_RETRY_AFTER_SECONDS),
    );
    super.catch(new ServiceUnavailableException(messages.databaseUnavailable()), host);
  }
}
