import { ScheduleModule } from '@nestjs/schedule';
import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { DemoModule } from './demo/demo.module';
import { AppConfigModule } from './config';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
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
