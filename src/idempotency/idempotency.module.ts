import { Module } from '@nestjs/common';
import { AppConfigModule } from '../config/app-config.module';
import { IdempotencyContext } from './idempotency.context';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyPurger } from './idempotency.purger';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * `Idempotency-Key` support for POST routes: `@UseInterceptors(IdempotencyInterceptor)`, and
 * `IdempotencyContext.completeIn()` in a service that writes its effect in one transaction.
 * Expired keys are purged on an interval.
 */
@Module({
  imports: [AppConfigModule],
  providers: [IdempotencyRepository, IdempotencyInterceptor, IdempotencyContext, IdempotencyPurger],
  exports: [IdempotencyRepository, IdempotencyInterceptor, IdempotencyContext],
})
export class IdempotencyModule {}
