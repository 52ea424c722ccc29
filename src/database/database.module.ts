import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { AppConfigModule } from '../config/app-config.module';
import { DATABASE } from './database.constants';
import { databaseProvider } from './database.provider';
import { deliveryLogProvider, reminderStoreProvider } from './delivery-log.provider';
import type { DatabaseSchema } from './database.schema';
import { InjectDatabase } from './inject-database.decorator';

/**
 * Provides the migrated `Kysely<DatabaseSchema>` under {@link DATABASE} everywhere (and the
 * realtime delivery log on it), and closes it
 * in `onApplicationShutdown`, the last hook, so that `beforeApplicationShutdown` work (flushing
 * deliveries, closing sockets) can still write.
 */
@Global()
@Module({
  imports: [AppConfigModule],
  providers: [databaseProvider, deliveryLogProvider, reminderStoreProvider],
  exports: [DATABASE, deliveryLogProvider, reminderStoreProvider],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@InjectDatabase() private readonly db: Kysely<DatabaseSchema>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
