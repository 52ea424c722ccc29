import { Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfigModule, AppConfigService } from '../config';
import * as messages from '../auth/auth.messages';
import { AppThrottlerGuard } from './app-throttler.guard';
import {
  CREDENTIALS_THROTTLE,
  CREDENTIALS_THROTTLER,
  DEFAULT_THROTTLER,
} from './throttling.constants';

/**
 * Per-IP limits on REST routes (a global guard): a generous one on every route, and a strict
 * one on routes marked `@CredentialsThrottle()` (login, register), keyed by `req.ip` (so behind
 * a proxy it needs TRUST_PROXY). Counters live in this process's memory: with several instances
 * each counts on its own. WebSocket messages have their own limit (WS_RATE_LIMIT_*).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [AppConfigModule],
      inject: [AppConfigService, Reflector],
      useFactory: (config: AppConfigService, reflector: Reflector) => {
        const { default: general, auth } = config.throttle;
        return {
          throttlers: [
            { name: DEFAULT_THROTTLER, ttl: general.ttlMs, limit: general.limit },
            {
              name: CREDENTIALS_THROTTLER,
              ttl: auth.ttlMs,
              limit: auth.limit,
              skipIf: (context) =>
                reflector.getAllAndOverride<boolean | undefined>(CREDENTIALS_THROTTLE, [
                  context.getHandler(),
                  context.getClass(),
                ]) !== true,
            },
          ],
          errorMessage: messages.tooManyRequests(),
          // REST only: WebSocket messages have their own per-connection limit.
          skipIf: (context) => context.getType() !== 'http',
        };
      },
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: AppThrottlerGuard }],
})
export class ThrottlingModule {}
