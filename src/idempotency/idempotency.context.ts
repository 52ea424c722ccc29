import { ConflictException, Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as messages from './idempotency.messages';
import {
  IdempotencyRepository,
  type IdempotencyClaimToken,
  type IdempotencyExecutor,
} from './idempotency.repository';

/** The key a request claimed, and the status its answer will have. */
export interface IdempotentRequest {
  readonly token: IdempotencyClaimToken;
  readonly status: number;
}

/**
 * The `Idempotency-Key` of the request being handled, for services whose effect is one
 * transaction: {@link completeIn} stores the answer in that transaction, so that a crash leaves
 * either nothing (the retry does the work) or both the effect and its answer (the retry replays
 * it), never an effect without its answer. {@link IdempotencyInterceptor} sets it for the
 * duration of the handler; outside a keyed request it does nothing.
 */
@Injectable()
export class IdempotencyContext {
  private readonly storage = new AsyncLocalStorage<IdempotentRequest>();

  constructor(private readonly keys: IdempotencyRepository) {}

  /** Runs `work` (and everything it starts) as the handling of `request`. */
  run<T>(request: IdempotentRequest, work: () => T): T {
    return this.storage.run(request, work);
  }

  /**
   * Stores `body` as the answer to the current request's key, through `transaction`. Call it
   * last in the transaction that writes the request's effect. The interceptor stores the
   * handler's final answer again after it returns, so `body` may leave out what is only known
   * after the commit; a replay after a crash in between answers `body`.
   *
   * @throws ConflictException when the request outlived its lease and a retry took the key over:
   *   the transaction must roll back, the retry does the work.
   */
  async completeIn(transaction: IdempotencyExecutor, body: unknown): Promise<void> {
    const request = this.storage.getStore();
    if (request === undefined) return;
    if (!(await this.keys.complete(request.token, request.status, body, transaction))) {
      throw new ConflictException(messages.claimLost());
    }
  }
}
