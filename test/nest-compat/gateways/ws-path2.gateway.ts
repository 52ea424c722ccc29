import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

/** Ported from nestjs/nest integration/websockets/src/ws-path2.gateway.ts (MIT). */
@WebSocketGateway({ path: '/ws-path' })
export class WsPathGateway2 {
  @SubscribeMessage('push')
  onPush(_client: unknown, data: unknown) {
    return { event: 'pop', data };
  }
}
