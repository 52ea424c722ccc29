import { Inject, Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import { REALTIME_OPTIONS } from '../realtime.constants';
import type { ResolvedRealtimeOptions } from '../options/resolved-realtime-options.interface';
import { RealtimeCloseCode, RealtimeCloseReason } from '../protocol/realtime-codes';
import { ConnectionRegistry } from '../registry/connection-registry';
import type { RealtimeConnection } from '../registry/realtime-connection';
import type { ErrorFrameData } from '../protocol/frame.interface';
import { encodeErrorIn, toNestFrame, type ExceptionCause } from '../protocol/wire-format';
import { RealtimeMetrics } from '../metrics/realtime-metrics';
import type { PreparedFrame } from './prepared-frame';
import { idleTcpSocket, tcpSocketOf } from './ws-internals';

/** Send options, hoisted so a send allocates no options object of ours. */
const PLAIN = { binary: false, compress: false } as const;
const COMPRESSED = { binary: false, compress: true } as const;

/**
 * The one place frames leave the server: checks the socket is open and that its send buffer is
 * under `maxBufferedBytes` before writing. A connection over the limit is a slow consumer: it is
 * forgotten at once (later fan-outs skip it) and closed with 4008 behind what it already has.
 *
 * Frames under the compression threshold are never compressed, whatever ws would do with a
 * negotiated context takeover; pushed frames that need no compression are written as prebuilt
 * bytes straight to the TCP socket when ws has nothing in flight for it, which is what the
 * fastest hand-written `ws` fan-out does.
 */
@Injectable()
export class ConnectionSender {
  private readonly maxBufferedBytes: number;
  /** Smallest payload that is compressed on a connection that negotiated permessage-deflate. */
  private readonly compressFrom: number;

  constructor(
    @Inject(REALTIME_OPTIONS) options: ResolvedRealtimeOptions,
    private readonly registry: ConnectionRegistry,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.compressFrom =
      options.compression === false ? Number.POSITIVE_INFINITY : options.compression.thresholdBytes;
  }

  /**
   * Sends an encoded frame of this module (`{"type", …}`), in the connection's wire format.
   *
   * @returns whether the frame was written to the socket.
   */
  send(connection: RealtimeConnection, frame: string): boolean {
    return this.sendRaw(connection, connection.nestFrames ? toNestFrame(frame) : frame);
  }

  /**
   * Sends an error in the connection's wire format: an `error` frame (answering `replyTo`), or in
   * the `'nest'` format an `exception` event (about `cause`).
   *
   * @returns whether the frame was written to the socket.
   */
  sendError(
    connection: RealtimeConnection,
    error: ErrorFrameData,
    replyTo: string | undefined,
    cause: ExceptionCause | undefined,
  ): boolean {
    return this.sendRaw(connection, encodeErrorIn(connection.nestFrames, error, replyTo, cause));
  }

  /**
   * Sends a text as it is, whatever the connection's wire format.
   *
   * @returns whether the frame was written to the socket.
   */
  sendRaw(connection: RealtimeConnection, payload: string): boolean {
    if (!this.admits(connection)) return false;
    // The byte length only matters where compression was negotiated; skip the scan elsewhere.
    const options = !connection.deflate
      ? PLAIN
      : this.optionsFor(connection, Buffer.byteLength(payload));
    connection.socket.send(payload, options);
    this.metrics.directFrames++;
    return true;
  }

  /**
   * Sends a frame prepared once for a whole fan-out.
   *
   * @returns whether the frame was written to the socket.
   */
  sendPrepared(connection: RealtimeConnection, prepared: PreparedFrame): boolean {
    const socket = connection.socket;
    const frame = connection.nestFrames ? prepared.nestFrame : prepared;
    const length = frame.payload.length;
    // The fast path touches as few objects per socket as it can: with thousands of sockets, each
    // object read is a likely cache miss, and that is most of what a fan-out costs in JS.
    if (
      connection.directWrite &&
      (!connection.deflate || length < this.compressFrom) &&
      socket.readyState === WebSocket.OPEN
    ) {
      const tcp = idleTcpSocket(socket);
      if (tcp !== undefined) {
        if (tcp.writableLength > this.maxBufferedBytes) {
          this.dropSlowConsumer(connection);
          return false;
        }
        tcp.write(frame.wireBytes);
        this.countPush(length);
        return true;
      }
    }
    if (!this.admits(connection)) return false;
    socket.send(frame.payload, this.optionsFor(connection, length));
    this.countPush(length);
    return true;
  }

  private countPush(bytes: number): void {
    const metrics = this.metrics;
    metrics.pushedFrames++;
    metrics.pushedBytes += bytes;
  }

  /**
   * Bytes waiting to leave for this connection (ws's queue and the TCP socket's buffer); what a
   * sender that paces itself, like a replay, compares against its high-water mark.
   */
  bufferedBytes(connection: RealtimeConnection): number {
    return connection.socket.bufferedAmount;
  }

  /**
   * Resolves once what waits for this connection has been written to the network, or the socket
   * has closed, whichever comes first: a replay awaits it instead of filling the send buffer
   * past `maxBufferedBytes` (which would cut a healthy client as a slow consumer).
   */
  whenDrained(connection: RealtimeConnection): Promise<void> {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    const tcp = tcpSocketOf(socket);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        tcp?.removeListener('drain', done);
        socket.removeListener('close', done);
        resolve();
      };
      // ws may still hold frames of its own (compressing) after the TCP buffer drained, and
      // without ws's internals there is no drain event to wait for: look again shortly.
      const timer = setTimeout(done, tcp === undefined || tcp.writableLength === 0 ? 5 : 1_000);
      tcp?.once('drain', done);
      socket.once('close', done);
    });
  }

  /** Open and keeping up; a slow consumer is dropped and closed here. */
  private admits(connection: RealtimeConnection): boolean {
    const socket = connection.socket;
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      this.dropSlowConsumer(connection);
      return false;
    }
    return true;
  }

  private dropSlowConsumer(connection: RealtimeConnection): void {
    this.registry.remove(connection);
    connection.socket.close(RealtimeCloseCode.SLOW_CONSUMER, RealtimeCloseReason.SLOW_CONSUMER);
  }

  private optionsFor(
    connection: RealtimeConnection,
    length: number,
  ): typeof PLAIN | typeof COMPRESSED {
    return connection.deflate && length >= this.compressFrom ? COMPRESSED : PLAIN;
  }
}
