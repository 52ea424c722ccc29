import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { sql, type Kysely } from 'kysely';
import * as messages from '../database/database.messages';
import type { DatabaseSchema } from '../database/database.schema';
import { InjectDatabase } from '../database/inject-database.decorator';

/**
 * Longest the health check waits for the database. A connection that hangs (a network that
 * drops packets, a pool whose connections are all stuck) must make `/health` answer "down", not
 * make the probe itself time out.
 */
export const HEALTH_CHECK_TIMEOUT_MS = 3_000;

/** Tells whether the database answers a trivial query in time. */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger('Health');

  constructor(
    @InjectDatabase() private readonly db: Kysely<DatabaseSchema>,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** {@link isUp} as a terminus indicator under `key`, for `GET /health/ready`. */
  async check<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    return (await this.isUp()) ? session.up() : session.down();
  }

  /**
   * `true` when `select 1` succeeds within {@link HEALTH_CHECK_TIMEOUT_MS}; the failure's stack
   * goes to the log, not the caller.
   */
  async isUp(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), HEALTH_CHECK_TIMEOUT_MS);
    });
    try {
      // A query that loses the race and fails later is still handled: race() subscribed to it.
      const query = sql`select 1`.execute(this.db).then(() => 'answered' as const);
      if ((await Promise.race([query, timedOut])) === 'answered') return true;
      this.logger.error(messages.healthCheckTimedOut(HEALTH_CHECK_TIMEOUT_MS));
      return false;
    } catch (error) {
      this.logger.error(messages.healthCheckFailed(), error instanceof Error ? error.stack : error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
