import { Inject, Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import { REALTIME_OPTIONS } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';

/** Text frames; hoisted so a send allocates no options object of ours. */
const TEXT = { binary: false } as const;

/**
 * The one place frames leave the server: checks the socket is open and that its send buffer is
 * under `maxBufferedBytes` before writing. A connection over the limit is a slow consumer: it is
 * forgotten at once (later fan-outs skip it) and closed with 4008 behind what it already has.
 */
@Injectable()
export class ConnectionSender {
  private readonly maxBufferedBytes: number;

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes;
  }

  /**
   * Sends an encoded text frame.
   *
   * @returns whether the frame was written to the socket.
   */
  send(connection: RealtimeConnection, payload: Buffer | string): boolean {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      this.registry.remove(connection);
      socket.close(RealtimeCloseCode.SLOW_CONSUMER, RealtimeCloseReason.SLOW_CONSUMER);
      return false;
    }
    socket.send(payload, TEXT);
    return true;
  }
}
