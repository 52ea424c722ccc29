import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { RealtimeLifecycle } from '@nest-realtime/core';

/**
 * `down` from the moment shutdown begins. It reads the realtime library's own draining flag,
 * which is set first thing in the hook that closes the sockets with 1001 (and long before Nest
 * closes the HTTP server), so a load balancer polling readiness stops routing new clients here
 * while the open ones drain. A flag of this module's own would depend on the order in which
 * Nest runs the modules' shutdown hooks.
 */
@Injectable()
export class LifecycleHealthIndicator {
  constructor(
    private readonly lifecycle: RealtimeLifecycle,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** `up` with `state: 'serving'`, or `down` with `state: 'draining'` once shutdown began. */
  check<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const session = this.indicators.check(key);
    return this.lifecycle.isDraining
      ? session.down({ state: 'draining' })
      : session.up({ state: 'serving' });
  }
}
