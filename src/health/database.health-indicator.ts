import { Injectable, Logger } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import * as messages from '../database/database.messages';
import type { DatabaseSchema } from '../database/database.schema';
import { InjectDatabase } from '../database/inject-database.decorator';

/** Tells whether the database answers a trivial query. */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger('Health');

  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  /** `true` when `select 1` succeeds; the failure's stack goes to the log, not the caller. */
  async isUp(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch (error) {
      this.logger.error(messages.healthCheckFailed(), error instanceof Error ? error.stack : error);
      return false;
    }
  }
}
