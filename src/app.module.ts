import { ScheduleModule } from '@nestjs/schedule';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { DemoModule } from './demo/demo.module';
import { AppConfigModule, AppConfigService } from './config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { createLoggerParams } from './logging/logger-params.factory';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PresenceModule } from './presence/presence.module';
import { AppRealtimeModule } from './realtime/app-realtime.module';
import { RemindersModule } from './reminders/reminders.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { UsersModule } from './users/users.module';

/** The reference backend: REST (auth, notifications, health) and WebSocket push. */
@Module({
  imports: [
    // The host owns the scheduler (the realtime module keeps its own timers).
    ScheduleModule.forRoot(),
    AppConfigModule,
    // Structured logs (LOG_LEVEL, LOG_FORMAT) and one line per HTTP request, with its id.
    LoggerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => createLoggerParams(config.logging),
    }),
    DatabaseModule,
    ThrottlingModule,
    UsersModule,
    AuthModule,
    AppRealtimeModule,
    NotificationsModule,
    RemindersModule,
    PresenceModule,
    HealthModule,
    MetricsModule,
    DemoModule,
  ],
})
export class AppModule {}
