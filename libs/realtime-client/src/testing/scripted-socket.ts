import type { WebSocketLike } from '../client-options';

/**
 * A WebSocket whose server side a unit test plays by hand: it records what the client sends
 * and delivers what the test pushes. Only for unit tests of the client's own logic (timers,
 * backoff, dedupe); integration tests use real sockets against the real backend.
 */
export class ScriptedSocket implements WebSocketLike {
  static readonly instances: ScriptedSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | undefined;
  terminated = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly options?: { headers: Record<string, string> },
  ) {
    ScriptedSocket.instances.push(this);
  }

  static latest(): ScriptedSocket {
    const socket = ScriptedSocket.instances.at(-1);
    if (socket === undefined) throw new Error('no socket was created');
    return socket;
  }

  static reset(): void {
    ScriptedSocket.instances.length = 0;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }

  /** Frames sent, parsed. */
  frames(): { type: string; data?: unknown; id?: string }[] {
    return this.sent.map(
      (text) => JSON.parse(text) as { type: string; data?: unknown; id?: string },
    );
  }

  /** The server accepts and greets, as the real one does with `connected`. */
  accept(userId = 'ada'): void {
    this.readyState = 1;
    this.onopen?.({});
    this.push({
      type: 'connected',
      data: { connectionId: 'c1', userId, heartbeatIntervalMs: 30_000 },
    });
  }

  push(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The connection ends with `code`. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The handshake is refused with an HTTP status, as Node's ws reports it. */
  refuse(status: number): void {
    this.onerror?.({ message: `Unexpected server response: ${status}` });
    this.drop(1006);
  }
}
