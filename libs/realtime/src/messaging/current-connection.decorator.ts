import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { RealtimeConnection } from '../registry/realtime-connection';

/**
 * Injects the {@link RealtimeConnection} a message came on: its id, principal and rooms.
 *
 * @example
 * ```ts
 * @SubscribeMessage('whoami')
 * whoami(@CurrentConnection() connection: RealtimeConnection) { return connection.userId; }
 * ```
 */
export const CurrentConnection = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RealtimeConnection | undefined =>
    RealtimeConnection.of(context.switchToWs().getClient<WebSocket>()),
);
