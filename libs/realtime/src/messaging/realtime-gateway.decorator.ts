import { UseFilters, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { GATEWAY_CLASS_OPTION } from '../realtime.constants';
import { RealtimeExceptionFilter } from './realtime-exception.filter';
import { RealtimeValidationPipe } from './realtime-validation.pipe';

/** Options of {@link RealtimeGateway}. */
export interface RealtimeGatewayOptions {
  /** Path of this gateway's endpoint. Default: the module's `path` (`'/ws'`). */
  path?: string;
}

/**
 * Declares a gateway served by `RealtimeWsAdapter` on the application's HTTP server. Beyond
 * `@WebSocketGateway()`, it validates every `@MessageBody()` against its DTO class
 * ({@link RealtimeValidationPipe}) and turns every exception into an `error` frame
 * ({@link RealtimeExceptionFilter}).
 *
 * @example
 * ```ts
 * @RealtimeGateway()
 * @HandshakeGuards(JwtAuthGuard)
 * export class ChatGateway {
 *   @SubscribeMessage('say')
 *   say(@MessageBody() body: SayDto) { return { echoed: body.text }; }
 * }
 * ```
 */
export function RealtimeGateway(options: RealtimeGatewayOptions = {}): ClassDecorator {
  return (target) => {
    const gatewayOptions: Record<string, unknown> = { [GATEWAY_CLASS_OPTION]: target };
    if (options.path !== undefined) gatewayOptions.path = options.path;
    WebSocketGateway(gatewayOptions)(target);
    UseFilters(RealtimeExceptionFilter)(target);
    UsePipes(RealtimeValidationPipe)(target);
  };
}
