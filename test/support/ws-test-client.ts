import { WebSocket, type ClientOptions } from 'ws';

/** A frame as the tests read it. */
export interface Frame {
  /** The frame's name; `undefined` in the 'nest' wire format, which names it `event`. */
  type: string;
  /** The frame's name in the 'nest' wire format. */
  event?: string;
  data?: any;
  replyTo?: string;
  seq?: number;
  id?: string;
}

/** How a connection ended. */
export interface CloseEvent {
  code: number;
  reason: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A real `ws` client that queues every frame it receives so a test can await them in order,
 * without sleeps: `await client.next('pong')`.
 */
export class WsTestClient {
  private readonly received: Frame[] = [];
  private waiters: { accept: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  readonly closed: Promise<CloseEvent>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = JSON.parse(isBinary ? data.toString('utf8') : data.toString()) as Frame;
      const waiter = this.waiters.find((candidate) => candidate.accept(frame));
      if (waiter === undefined) {
        this.received.push(frame);
        return;
      }
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      waiter.resolve(frame);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** Opens a connection and waits for the handshake to complete. Rejects with the HTTP status on refusal. */
  static open(url: string, options: ClientOptions = {}): Promise<WsTestClient> {
    const socket = new WebSocket(url, options);
    const client = new WsTestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        reject(new HandshakeRefused(response.statusCode ?? 0));
        response.resume();
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });
  }

  /** Opens a connection and waits for the server's `connected` frame. */
  static async connect(
    url: string,
    options: ClientOptions = {},
  ): Promise<{ client: WsTestClient; connected: Frame }> {
    const client = await WsTestClient.open(url, options);
    const connected = await client.next('connected');
    return { client, connected };
  }

  /**
   * The next received frame (of `type`, if given, or of that `event` in the 'nest' wire format;
   * frames of other types stay queued).
   */
  next(type?: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    const accept = (frame: Frame): boolean =>
      type === undefined || frame.type === type || frame.event === type;
    const index = this.received.findIndex(accept);
    if (index !== -1) return Promise.resolve(this.received.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate.resolve !== done);
        reject(new Error(`No "${type ?? 'any'}" frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (frame: Frame): void => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push({ accept, resolve: done });
    });
  }

  /** The reply (or error) to the request with this id. */
  reply(id: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    const index = this.received.findIndex((frame) => frame.replyTo === id);
    if (index !== -1) return Promise.resolve(this.received.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No reply to ${id} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        accept: (frame) => frame.replyTo === id,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Frames received and not yet consumed. */
  get pending(): readonly Frame[] {
    return this.received;
  }

  send(
    frame: { type: string; data?: unknown; id?: string } | { event: string; data?: unknown },
  ): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Sends a request and waits for the frame that answers it. */
  async request(
    type: string,
    data?: unknown,
    id = `r${Math.random().toString(36).slice(2)}`,
  ): Promise<Frame> {
    this.send({ type, data, id });
    return this.reply(id);
  }

  /** Closes (if still open) and waits until closed. */
  async close(): Promise<CloseEvent> {
    this.socket.resume();
    if (
      this.socket.readyState === WebSocket.CONNECTING ||
      this.socket.readyState === WebSocket.OPEN
    ) {
      this.socket.close();
    }
    return this.closed;
  }

  /** Kills the TCP connection without a close handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}

/** A handshake answered with an HTTP status instead of 101. */
export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`Handshake refused with HTTP ${status}`);
  }
}

/** The HTTP status a handshake gets: 101 when it succeeds (the socket is then closed). */
export async function handshakeStatus(url: string, options: ClientOptions = {}): Promise<number> {
  try {
    const client = await WsTestClient.open(url, options);
    await client.close();
    return 101;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}

/** Closes every client, whatever state it is in. */
export async function closeAll(clients: Iterable<WsTestClient>): Promise<void> {
  await Promise.all([...clients].map((client) => client.close()));
}
