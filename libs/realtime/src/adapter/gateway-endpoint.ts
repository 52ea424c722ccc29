import type { Type } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { HandshakeGuardChain } from '../auth/handshake.authenticator';

/** One gateway's WebSocket endpoint: its path, its `ws` server and what its messages route to. */
export class GatewayEndpoint {
  /** Set once the handshake guards are instantiated. */
  guards: HandshakeGuardChain | undefined = undefined;
  /** Message type → position in each connection's handler list (same order for every connection). */
  handlerIndex: Map<string, number> | undefined = undefined;
  /** Nest's per-connection callback (binds the gateway's handlers to the socket). */
  onConnection: ((socket: WebSocket, request: IncomingMessage) => void) | undefined = undefined;

  constructor(
    readonly path: string,
    readonly server: WebSocketServer,
    readonly gateway: Type,
    /** Whether its connections speak the `'nest'` wire format. */
    readonly nestFrames: boolean,
    /**
     * Settles when the guards are ready; upgrades wait for it. `null` for a public gateway
     * without guards: its connections are anonymous.
     */
    readonly guardsReady: Promise<HandshakeGuardChain> | null,
  ) {}
}
