import { Module } from '@nestjs/common';
import { RealtimeModule } from '@nest-realtime/core';
import { ChatGateway } from './chat.gateway';
import { TicketsController } from './tickets.controller';
import { TokenGuard } from './token.guard';

@Module({
  imports: [RealtimeModule.forRoot({ path: '/ws' })],
  controllers: [TicketsController],
  providers: [TokenGuard, ChatGateway],
})
export class AppModule {}
