import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP forwarder between a process under test and a real server (PostgreSQL), on a port of its
 * own, so a test can make that server unreachable for that process alone: {@link refuse} closes
 * the listening socket (new connections get ECONNREFUSED, as while a database restarts),
 * {@link swallow} accepts new connections and never answers (a network that drops packets), and
 * {@link accept} forwards again, on the same port; {@link delay} slows the way to the server. Connections already forwarded are left alone;
 * end them at the server (`pg_terminate_backend`) to see what a restart does to them.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private swallowing = false;
  /** Milliseconds by which bytes towards the server are held back (0: forwarded at once). */
  private delayMs = 0;
  private readonly delayed = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    public port = 0,
  ) {}

  /** Starts forwarding `127.0.0.1:<port>` (a free port) to `targetHost:targetPort`. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.accept();
    return proxy;
  }

  /** Forwards new connections again, listening again (on the same port) if refusing. */
  async accept(): Promise<void> {
    this.swallowing = false;
    if (this.server !== undefined) return;
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** New connections are accepted and never answered; forwarded ones go on. */
  async swallow(): Promise<void> {
    await this.accept();
    this.swallowing = true;
  }

  /** Stops listening: new connections are refused; forwarded ones go on. */
  refuse(): void {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    // close() unbinds the port at once; its callback would wait for the forwarded connections.
    server.close();
  }

  /**
   * Holds every byte towards the server back by `ms` from now on, in order (a slow path one
   * way): a command the client sends reaches the server `ms` later.
   */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Refuses new connections and cuts every forwarded one. */
  close(): void {
    this.refuse();
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    for (const socket of this.sockets) socket.destroy();
  }

  private forward(client: Socket): void {
    if (this.swallowing) {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      client.resume();
      return;
    }
    const upstream = createConnection(this.targetPort, this.targetHost);
    client.on('data', (chunk: Buffer) => {
      if (this.delayMs === 0) {
        upstream.write(chunk);
        return;
      }
      // The same delay for every chunk keeps them in order.
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        if (!upstream.destroyed) upstream.write(chunk);
      }, this.delayMs);
      this.delayed.add(timer);
    });
    upstream.pipe(client);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      // One side failing or closing ends the other, as a real network path would.
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
