import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocket } from 'ws';
import { REALTIME_OPTIONS } from '../realtime.constants';
import * as messages from '../realtime.messages';
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
  private readonly logger = new Logger('RealtimeLifecycle');
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
    const started = Date.now();
    const sockets = [...this.registry.all()].map((connection) => connection.socket);
    const outcomes = await Promise.all(sockets.map((socket) => this.closeGracefully(socket)));
    const terminated = outcomes.filter((outcome) => outcome === 'terminated').length;
    const closed = outcomes.filter((outcome) => outcome === 'closed').length;
    this.logger.log(messages.shutdownDrained(closed, terminated, Date.now() - started));
  }

  /** Closes with 1001 and waits for the peer's answer, or terminates once the timeout is up. */
  private closeGracefully(socket: WebSocket): Promise<'closed' | 'terminated' | 'gone'> {
    if (socket.readyState === WebSocket.CLOSED) return Promise.resolve('gone');
    return new Promise((resolve) => {
      let terminated = false;
      const timer = setTimeout(() => {
        terminated = true;
        socket.terminate();
      }, this.options.shutdownTimeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(terminated ? 'terminated' : 'closed');
      });
      socket.close(RealtimeCloseCode.GOING_AWAY, RealtimeCloseReason.SHUTDOWN);
    });
  }
}
