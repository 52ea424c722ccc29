import type { Type } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';

/**
 * Ported from nestjs/nest integration/websockets/src/core.gateway.ts (MIT). Upstream listens on
 * the fixed port 8090; here the port is the caller's.
 */
export function coreGateway(port: number): Type {
  @WebSocketGateway(port)
  class CoreGateway {
    @SubscribeMessage('push')
    onPush(@ConnectedSocket() _client: unknown, @MessageBody() data: unknown) {
      return { event: 'pop', data };
    }
  }
  return CoreGateway;
}
