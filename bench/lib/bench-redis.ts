import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { TestRedisServer } from '../../test/support/redis-server';

/** Whether `redis-server` can be started here. */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A `redis-server` of the benchmark's own on 127.0.0.1 and a free port (no persistence), with a
 * connection of the harness's to read its CPU time and its subscriptions. Stopped by its pid;
 * if the harness exits first, its exit handler kills the server, so none is left behind.
 */
export class BenchRedis {
  private readonly killOnExit = (): void => {
    const pid = this.server.pid;
    try {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    } catch {
      // It had exited already.
    }
  };

  private constructor(
    private readonly server: TestRedisServer,
    private readonly client: Redis,
  ) {
    process.once('exit', this.killOnExit);
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return this.server.url;
  }

  static async start(): Promise<BenchRedis> {
    const server = await TestRedisServer.start();
    const client = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      await server.kill();
      throw error;
    }
    return new BenchRedis(server, client);
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

  /** Disconnects and stops the server (SIGTERM by pid). */
  async stop(): Promise<void> {
    this.client.disconnect();
    process.removeListener('exit', this.killOnExit);
    await this.server.stop();
  }
}
