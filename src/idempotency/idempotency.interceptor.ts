import {
  BadRequestException,
  ConflictException,
  HttpStatus,
  Injectable,
  Logger,
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
import { AppConfigService } from '../config/app-config.service';
import { IdempotencyContext } from './idempotency.context';
import * as messages from './idempotency.messages';
import { IdempotencyRepository } from './idempotency.repository';
import { stableJson } from './stable-json';

const MAX_KEY_LENGTH = 200;

/** The `Idempotency-Key` request header, as the OpenAPI document describes it. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Per user, 1–200 characters. The same key with the same body answers the original response ' +
    'again without doing anything; with another body: 422; while the first is still running: ' +
    '409 with Retry-After. Keys are kept for IDEMPOTENCY_RETENTION_HOURS (default 24).',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};

/**
 * `Idempotency-Key` for POST routes (after the auth guard): the first request with a key is
 * handled and its response kept; the same key with the same request replays that response; with
 * another request it is 422; while the first is still running, 409 with `Retry-After`. Keys are
 * per user. A request that fails frees its key, so a retry is handled afresh.
 *
 * A claim is a lease (`IDEMPOTENCY_PENDING_LEASE_MS`): if the process handling the first request
 * dies, a retry after the lease takes the key over. Services whose effect is one transaction
 * store the answer in it ({@link IdempotencyContext.completeIn}), so that a crash never leaves an
 * effect without its answer; for other routes the answer is stored right after the handler.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('IdempotencyInterceptor');
  private readonly leaseMs: number;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly context: IdempotencyContext,
    config: AppConfigService,
  ) {
    this.leaseMs = config.idempotency.pendingLeaseMs;
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { user?: AuthUser }>();
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.user === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new BadRequestException(messages.keyLength(MAX_KEY_LENGTH));
    }
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.baseUrl}${request.path}\n${stableJson(request.body)}`)
      .digest('hex');
    const now = Date.now();
    const claim = await this.keys.claim(request.user.sub, key, requestHash, now, this.leaseMs);
    switch (claim.kind) {
      case 'mismatch':
        throw new UnprocessableEntityException(messages.keyMismatch());
      case 'pending': {
        const seconds = Math.max(1, Math.ceil((claim.leaseEndsAt - now) / 1000));
        http.getResponse<Response>().setHeader('Retry-After', String(seconds));
        throw new ConflictException(messages.keyPending());
      }
      case 'replay':
        http.getResponse<Response>().status(claim.status);
        return of(claim.body);
    }
    const { token } = claim;
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      HttpStatus.CREATED;
    // Bound to the handler's async context: services reach the claim through the context.
    const handled = this.context.run({ token, status }, () => next.handle());
    return handled.pipe(
      mergeMap((body: unknown) =>
        from(
          this.keys.complete(token, status, body).then((stored) => {
            if (!stored) this.logger.warn(messages.answerNotStored());
            return body;
          }),
        ),
      ),
      catchError((error: unknown) =>
        from(
          this.keys.release(token).then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}
