import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** Whether `redis-server` can be started here. */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A port nobody listens on now, on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A `redis-server` of the benchmark's own on 127.0.0.1 and a free port (no persistence), with a
 * connection of the harness's to read its CPU time and its subscriptions. Stopped by its pid;
 * if the harness exits first, its exit handler kills the server, so none is left behind.
 */
export class BenchRedis {
  private readonly killOnExit = (): void => {
    this.child.kill('SIGKILL');
  };

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly client: Redis,
  ) {
    process.once('exit', this.killOnExit);
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<BenchRedis> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await ready(child);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      child.kill('SIGKILL');
      throw error;
    }
    return new BenchRedis(child, port, client);
  }

  /** The server's CPU time so far (user + system, all its threads) in µs, from `INFO cpu`. */
  async cpuUs(): Promise<number> {
    const info = await this.client.info('cpu');
    const field = (name: string): number => {
      const match = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
      if (match === null) throw new Error(`INFO cpu has no ${name}`);
      return Number(match[1]);
    };
    return Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1e6);
  }

  /** Resolves once `count` connections subscribe to `channel`, checking every 10 ms. */
  async waitForSubscribers(channel: string, count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [, subscribers] = (await this.client.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(subscribers) >= count) return;
      if (Date.now() > deadline) throw new Error(`${subscribers} of ${count} on ${channel}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Disconnects and stops the server (SIGTERM by pid, SIGKILL if it lingers). */
  async stop(): Promise<void> {
    this.client.disconnect();
    process.removeListener('exit', this.killOnExit);
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Resolves when the server says it accepts connections; rejects if it exits or stays silent. */
function ready(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}
