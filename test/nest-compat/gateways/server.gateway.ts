import { UseInterceptors } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { RequestInterceptor } from './request.interceptor';

/** Ported from nestjs/nest integration/websockets/src/server.gateway.ts (MIT). */
@WebSocketGateway()
export class ServerGateway {
  @SubscribeMessage('push')
  onPush(_client: unknown, data: unknown) {
    return { event: 'pop', data };
  }

  @UseInterceptors(RequestInterceptor)
  @SubscribeMessage('getClient')
  getPathCalled(client: { pattern?: string }, data: object) {
    return { event: 'popClient', data: { ...data, path: client.pattern } };
  }
}
