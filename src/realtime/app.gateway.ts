import { SubscribeMessage } from '@nestjs/websockets';
import {
  CurrentConnection,
  HandshakeGuards,
  RealtimeConnection,
  RealtimeGateway,
} from '@nest-realtime/core';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

/** What `whoami` answers. */
export interface WhoAmI {
  userId: string;
  connectionId: string;
  rooms: string[];
}

/**
 * The backend's WebSocket endpoint. The handshake is protected by the same guard as the REST
 * routes; `ping`, `join` and `leave` are served by the module itself.
 */
@RealtimeGateway()
@HandshakeGuards(JwtAuthGuard)
export class AppGateway {
  /** Tells a client who it is connected as and which rooms it is in. */
  @SubscribeMessage('whoami')
  whoami(@CurrentConnection() connection: RealtimeConnection): WhoAmI {
    return {
      userId: connection.userId,
      connectionId: connection.id,
      rooms: connection.rooms === undefined ? [] : [...connection.rooms],
    };
  }
}
