import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PresenceController } from './presence.controller';

/** `GET /presence/:userId`, on the realtime module's (global) `RealtimePresence`. */
@Module({
  imports: [AuthModule],
  controllers: [PresenceController],
})
export class PresenceModule {}
