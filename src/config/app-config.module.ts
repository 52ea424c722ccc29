import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app.config';
import { AppConfigService } from './app-config.service';

/**
 * Loads `.env` (outside tests), validates the environment and provides {@link AppConfigService}
 * everywhere.
 *
 * Validation runs in the `appConfig` factory, not in `ConfigModule.forRoot({ validate })`:
 * `forRoot()` runs when this file is imported, so it would see the environment of the first
 * import only, and it writes defaults back into `process.env`. The factory runs per
 * application, so every test app sees the variables set just before it was created.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // Tests set their environment explicitly; a developer's .env must not leak into them.
      ignoreEnvFile: process.env.NODE_ENV === 'test',
      load: [appConfig],
    }),
  ],
  providers: [AppConfigService],
  exports: [AppConfigService],
})
export class AppConfigModule {}
