import { MessageBody, SubscribeMessage } from '@nestjs/websockets';
import {
  CurrentConnection,
  HandshakeGuards,
  RealtimeConnection,
  RealtimeGateway,
  RealtimePublisher,
} from '@nest-realtime/core';
import { IsString, MaxLength } from 'class-validator';
import { TokenGuard } from './token.guard';

export class SayDto {
  @IsString()
  @MaxLength(500)
  text!: string;
}

@RealtimeGateway()
@HandshakeGuards(TokenGuard)
export class ChatGateway {
  constructor(private readonly publisher: RealtimePublisher) {}

  /** Replies with how many connections got the push, and pushes `said` to all of them. */
  @SubscribeMessage('say')
  say(@MessageBody() body: SayDto, @CurrentConnection() connection: RealtimeConnection) {
    const said = { from: connection.userId, text: body.text };
    return { delivered: this.publisher.toUser(connection.userId, 'said', said) };
  }
}
