import { UseFilters, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { GATEWAY_CLASS_OPTION } from '../realtime.constants';
import type { RealtimeWireFormat } from '../protocol/wire-format';
import { RealtimeExceptionFilter } from './realtime-exception.filter';
import { RealtimeValidationPipe } from './realtime-validation.pipe';

/** Options of {@link RealtimeGateway}. */
export interface RealtimeGatewayOptions {
  /** Path of this gateway's endpoint. Default: the module's `path` (`'/ws'`). */
  path?: string;
  /**
   * Port of an HTTP server of its own that the adapter creates for this gateway (as
   * `@WebSocketGateway(port)`). Default: the application's server and port.
   */
  port?: number;
  /** How its connections speak (docs/protocol.md, "Wire formats"). Default: the module's `wireFormat`. */
  wireFormat?: RealtimeWireFormat;
}

/**
 * Declares a gateway served by `RealtimeWsAdapter` (on the application's HTTP server unless it
 * asks for a `port`). Beyond a plain `@WebSocketGateway()`, which the adapter serves too, it validates every `@MessageBody()` against its DTO class
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
    if (options.wireFormat !== undefined) gatewayOptions.wireFormat = options.wireFormat;
    if (options.port === undefined) WebSocketGateway(gatewayOptions)(target);
    else WebSocketGateway(options.port, gatewayOptions)(target);
    UseFilters(RealtimeExceptionFilter)(target);
    UsePipes(RealtimeValidationPipe)(target);
  };
}
