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
  _socket?: Socket | null;
  _sender?: { _state?: unknown; _queue?: unknown } | null;
}

/** Whether `socket` exposes the internals {@link writeFrameDirectly} relies on. */
export function supportsDirectWrite(socket: WebSocket): boolean {
  const internals = socket as unknown as WsInternals;
  const tcp = internals._socket;
  const sender = internals._sender;
  return (
    typeof tcp?.write === 'function' &&
    typeof sender?._state === 'number' &&
    Array.isArray(sender._queue)
  );
}

/**
 * Whether a frame written to the TCP socket now would leave in order: ws is not compressing or
 * reading a blob for an earlier message, and has nothing queued behind one.
 */
export function isSenderIdle(socket: WebSocket): boolean {
  const sender = (socket as unknown as Required<WsInternals>)._sender as {
    _state: number;
    _queue: unknown[];
  };
  return sender._state === SENDER_IDLE && sender._queue.length === 0;
}

/**
 * Writes a complete frame to the TCP socket under `socket`. It counts in `socket.bufferedAmount`
 * like any frame ws writes itself, so the slow-consumer check still sees it.
 */
export function writeFrameDirectly(socket: WebSocket, frame: Buffer): void {
  (socket as unknown as { _socket: Socket })._socket.write(frame);
}
