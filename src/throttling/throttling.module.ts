import { Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorageService } from '@nestjs/throttler';
import { ClusterConnections } from '../cluster/cluster-connections';
import { ClusterModule } from '../cluster/cluster.module';
import { AppConfigModule, AppConfigService } from '../config';
import * as messages from '../auth/auth.messages';
import { AppThrottlerGuard } from './app-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import {
  CREDENTIALS_THROTTLE,
  CREDENTIALS_THROTTLER,
  DEFAULT_THROTTLER,
} from './throttling.constants';

/**
 * Per-IP limits on REST routes (a global guard): a generous one on every route, and a strict
 * one on routes marked `@CredentialsThrottle()` (login, register), keyed by `req.ip` (so behind
 * a proxy it needs TRUST_PROXY). Counters live in this process's memory, or with REDIS_URL in
 * Redis, shared by every instance (in memory again while Redis is down). WebSocket messages have
 * their own limit (WS_RATE_LIMIT_*).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [AppConfigModule, ClusterModule],
      inject: [AppConfigService, Reflector, ClusterConnections],
      useFactory: (
        config: AppConfigService,
        reflector: Reflector,
        connections: ClusterConnections,
      ) => {
        const { default: general, auth } = config.throttle;
        return {
          storage:
            connections.commands === undefined
              ? undefined
              : new RedisThrottlerStorage(
                  connections.commands,
                  new ThrottlerStorageService(),
                  'nest-realtime:backend:throttle:',
                ),
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
