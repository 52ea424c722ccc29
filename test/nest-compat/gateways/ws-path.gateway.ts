import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

/** Ported from nestjs/nest integration/websockets/src/ws-path.gateway.ts (MIT). */
@WebSocketGateway({ path: '/ws-path' })
export class WsPathGateway {
  @SubscribeMessage('push')
  onPush(_client: unknown, data: unknown) {
    return { event: 'pop', data };
  }
}
