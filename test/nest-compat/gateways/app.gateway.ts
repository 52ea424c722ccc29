import { UseInterceptors, type Type } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { RequestInterceptor } from './request.interceptor';

/**
 * Ported from nestjs/nest integration/websockets/src/app.gateway.ts (MIT). Upstream listens on
 * the fixed port 8080; here the port is the caller's (a free one), so the class is built per test.
 */
export function applicationGateway(port: number): Type {
  @WebSocketGateway(port)
  class ApplicationGateway {
    @SubscribeMessage('push')
    onPush(@MessageBody() data: unknown) {
      return { event: 'pop', data };
    }

    @UseInterceptors(RequestInterceptor)
    @SubscribeMessage('getClient')
    getPathCalled(client: { pattern?: string }, data: object) {
      return { event: 'popClient', data: { ...data, path: client.pattern } };
    }
  }
  return ApplicationGateway;
}
