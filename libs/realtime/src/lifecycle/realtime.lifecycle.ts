import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocket } from 'ws';
import { REALTIME_OPTIONS } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';

/**
 * Graceful shutdown. Before Nest closes the HTTP server, new upgrades start getting 503, every
 * open connection is closed with 1001 so clients know to reconnect elsewhere, and the shutdown
 * waits (up to `shutdownTimeoutMs`) for their close handshakes before terminating the rest.
 */
@Injectable()
export class RealtimeLifecycle implements BeforeApplicationShutdown {
  private draining = false;

  constructor(
    @Inject(REALTIME_OPTIONS) private readonly options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
  ) {}

  /**
   * True once shutdown has begun: the adapter refuses upgrades with 503, and a host's readiness
   * probe should answer "not ready" so a load balancer stops routing here while sockets drain.
   */
  get isDraining(): boolean {
    return this.draining;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const sockets = [...this.registry.all()].map((connection) => connection.socket);
    await Promise.all(sockets.map((socket) => this.closeGracefully(socket)));
  }

  private closeGracefully(socket: WebSocket): Promise<void> {
    if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.terminate(), this.options.shutdownTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(RealtimeCloseCode.GOING_AWAY, RealtimeCloseReason.SHUTDOWN);
    });
  }
}
