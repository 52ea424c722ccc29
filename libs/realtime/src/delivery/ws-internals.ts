import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** ws's Sender state while no compression or blob read is in progress (`lib/sender.js`). */
const SENDER_IDLE = 0;

/**
 * The parts of a `ws` WebSocket (8.x) a fan-out needs to write a prebuilt frame straight to the
 * TCP socket, as the fastest hand-written `ws` servers do. They are not in ws's public API, so
 * {@link supportsDirectWrite} checks their shape once per connection and the sender falls back
 * to `socket.send()` when they are not what this code expects.
 */
interface WsInternals {
  _socket: Socket;
  _sender: { _state: number; _queue: unknown[] };
}

/** Whether `socket` exposes the internals {@link idleTcpSocket} relies on. */
export function supportsDirectWrite(socket: WebSocket): boolean {
  const internals = socket as unknown as Partial<WsInternals>;
  const tcp = internals._socket as Partial<Socket> | null | undefined;
  const sender = internals._sender as Partial<WsInternals['_sender']> | null | undefined;
  return (
    typeof tcp?.write === 'function' &&
    typeof sender?._state === 'number' &&
    Array.isArray(sender._queue)
  );
}

/**
 * The TCP socket under `socket` when a frame written to it now leaves in order: ws is not
 * compressing or reading a blob for an earlier message. ws drains its queue synchronously as
 * soon as it is idle again, so an idle sender has nothing queued either, and the socket's
 * `bufferedAmount` is then just the TCP socket's `writableLength`.
 */
export function idleTcpSocket(socket: WebSocket): Socket | undefined {
  const internals = socket as unknown as WsInternals;
  return internals._sender._state === SENDER_IDLE ? internals._socket : undefined;
}

/** The TCP socket under `socket`, when ws's internals have the expected shape. */
export function tcpSocketOf(socket: WebSocket): Socket | undefined {
  const tcp = (socket as unknown as Partial<WsInternals>)._socket as Partial<Socket> | undefined;
  return typeof tcp?.once === 'function' && typeof tcp.writableLength === 'number'
    ? (tcp as Socket)
    : undefined;
}
