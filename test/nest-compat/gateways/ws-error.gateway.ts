import type { Type } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { throwError, type Observable } from 'rxjs';

/**
 * Ported from nestjs/nest integration/websockets/src/ws-error.gateway.ts (MIT). Upstream listens
 * on the fixed port 8085; here the port is the caller's.
 */
export function wsErrorGateway(port: number): Type {
  @WebSocketGateway(port)
  class WsErrorGateway {
    @SubscribeMessage('push')
    onPush(): Observable<never> {
      return throwError(() => new WsException('test'));
    }
  }
  return WsErrorGateway;
}
