import {
  BadRequestException,
  ConflictException,
  HttpStatus,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.interface';
import { IdempotencyRepository } from './idempotency.repository';
import { stableJson } from './stable-json';

const MAX_KEY_LENGTH = 200;

/** The `Idempotency-Key` request header, as the OpenAPI document describes it. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Per user, 1–200 characters. The same key with the same body answers the original response ' +
    'again without doing anything; with another body: 422; while the first is still running: 409.',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};

/**
 * `Idempotency-Key` for POST routes (after the auth guard): the first request with a key is
 * handled and its response kept; the same key with the same request replays that response; with
 * another request it is 422; while the first is still running, 409. Keys are per user. A
 * request that fails frees its key, so a retry is handled afresh.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyRepository) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { user?: AuthUser }>();
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.user === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new BadRequestException(`Idempotency-Key must be 1–${MAX_KEY_LENGTH} characters.`);
    }
    const userId = request.user.sub;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.baseUrl}${request.path}\n${stableJson(request.body)}`)
      .digest('hex');
    const claim = await this.keys.claim(userId, key, requestHash);
    switch (claim.kind) {
      case 'mismatch':
        throw new UnprocessableEntityException(
          'This Idempotency-Key was used with a different request.',
        );
      case 'pending':
        throw new ConflictException('A request with this Idempotency-Key is still in progress.');
      case 'replay':
        http.getResponse<Response>().status(claim.status);
        return of(claim.body);
    }
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      HttpStatus.CREATED;
    return next.handle().pipe(
      mergeMap((body: unknown) =>
        from(this.keys.complete(userId, key, status, body).then(() => body)),
      ),
      catchError((error: unknown) =>
        from(
          this.keys.release(userId, key).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}
