import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

/** Ported from nestjs/nest integration/websockets/src/example-path.gateway.ts (MIT). */
@WebSocketGateway({ path: '/example' })
export class ExamplePathGateway {
  @SubscribeMessage('push')
  onPush(_client: unknown, data: unknown) {
    return { event: 'pop', data };
  }
}
