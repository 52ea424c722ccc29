import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { RemindersController } from './reminders.controller';

/** REST for reminders; the realtime library's scheduler fires them. */
@Module({
  imports: [AuthModule, IdempotencyModule],
  controllers: [RemindersController],
})
export class RemindersModule {}
