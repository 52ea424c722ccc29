import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfigService } from '../config/app-config.service';
import * as messages from './idempotency.messages';
import { IdempotencyRepository } from './idempotency.repository';

/** Name of the purge interval in `SchedulerRegistry`. */
export const IDEMPOTENCY_PURGE_INTERVAL_NAME = 'idempotency:purge';

/** How often expired keys are purged; retention is counted in hours, so this is plenty. */
const PURGE_INTERVAL_MS = 5 * 60_000;

/**
 * Deletes `Idempotency-Key`s older than `IDEMPOTENCY_RETENTION_HOURS` on an interval
 * (`idempotency:purge`): their answers are no longer replayed, and a request with such a key
 * is handled afresh.
 */
@Injectable()
export class IdempotencyPurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IdempotencyPurger');
  private readonly retentionMs: number;
  private running: Promise<number> | undefined;

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly schedulerRegistry: SchedulerRegistry,
    config: AppConfigService,
  ) {
    this.retentionMs = config.idempotency.retentionMs;
  }

  onApplicationBootstrap(): void {
    const interval = setInterval(() => void this.run(), PURGE_INTERVAL_MS);
    interval.unref();
    this.schedulerRegistry.addInterval(IDEMPOTENCY_PURGE_INTERVAL_NAME, interval);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.schedulerRegistry.doesExist('interval', IDEMPOTENCY_PURGE_INTERVAL_NAME)) {
      this.schedulerRegistry.deleteInterval(IDEMPOTENCY_PURGE_INTERVAL_NAME);
    }
    await this.running;
  }

  /**
   * One purge as of `now` (skipped while the previous one is still running). A failure is
   * logged, and the next interval tries again.
   *
   * @returns how many keys were deleted.
   */
  run(now = Date.now()): Promise<number> {
    this.running ??= this.keys
      .purge(now - this.retentionMs)
      .catch((error: unknown) => {
        this.logger.error(
          messages.purgeFailed(),
          error instanceof Error ? error.stack : String(error),
        );
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
