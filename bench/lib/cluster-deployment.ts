import { BenchRedis } from './bench-redis';
import { RpcChild } from './rpc';

/** A server kind of `bench/servers/server.main.ts` and the client flavour its clients speak. */
export interface DeploymentPlan {
  /** `ours-cluster` or `socketio-cluster` (given the Redis URL), or a single-instance kind. */
  serverKind: string;
  /** `ours` or `socketio`: how the load generator connects. */
  clientKind: 'ours' | 'socketio';
  instances: number;
  /** Start a `redis-server` of its own for the instances (cluster kinds). */
  redis: boolean;
}

/**
 * Several instances of one server kind, optionally on a Redis of their own, and one load
 * generator for all of them. Servers are pinned to core 0 and the load generator to core 1, as
 * the harness's pairs are; Redis is left to the scheduler.
 */
export class Deployment {
  private constructor(
    readonly servers: readonly RpcChild[],
    readonly clients: RpcChild,
    readonly urls: readonly string[],
    readonly redis: BenchRedis | undefined,
  ) {}

  /** Starts everything in `plan`; on a failure stops what it started and rethrows. */
  static async start(plan: DeploymentPlan): Promise<Deployment> {
    const servers: RpcChild[] = [];
    let redis: BenchRedis | undefined;
    let clients: RpcChild | undefined;
    try {
      redis = plan.redis ? await BenchRedis.start() : undefined;
      const args = redis === undefined ? [plan.serverKind] : [plan.serverKind, redis.url];
      // As the harness's pairs: with `--profile=dir`, each server writes a V8 CPU profile there.
      const profileDir = process.env.BENCH_PROFILE_DIR;
      const profiling =
        profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
      for (let i = 0; i < plan.instances; i++) {
        servers.push(RpcChild.start('servers/server.main.ts', args, 0, profiling));
      }
      const hellos = (await Promise.all(servers.map((server) => server.ready))) as {
        url: string;
      }[];
      const urls = hellos.map((hello) => hello.url);
      clients = RpcChild.start('load/clients.main.ts', [plan.clientKind, urls[0]], 1);
      await clients.ready;
      return new Deployment(servers, clients, urls, redis);
    } catch (error) {
      await Promise.allSettled([...servers, ...(clients ? [clients] : [])].map((c) => c.stop()));
      await redis?.stop();
      throw error;
    }
  }

  /** Total CPU time (user + system) of every server process so far, in µs. */
  async serverCpuUs(): Promise<number> {
    const each = await Promise.all(this.servers.map((server) => server.call<number>('cpu')));
    return each.reduce((sum, value) => sum + value, 0);
  }

  /** Closes the connections and the servers, then stops every process it started, by pid. */
  async stop(): Promise<void> {
    await Promise.allSettled([this.clients.call('closeAll')]);
    await Promise.allSettled(this.servers.map((server) => server.call('close')));
    await Promise.allSettled([this.clients, ...this.servers].map((child) => child.stop()));
    await this.redis?.stop();
  }
}

/** Server and Redis CPU and wall time of one measured piece of work. */
export interface ClusterCost {
  cpuUs: number;
  redisUs: number;
  wallMs: number;
}

/** Runs `work` on `deployment` and returns what it cost its servers and its Redis. */
export async function clusterCostOf(
  deployment: Deployment,
  work: () => Promise<void>,
): Promise<ClusterCost> {
  const [cpuBefore, redisBefore] = await Promise.all([
    deployment.serverCpuUs(),
    deployment.redis?.cpuUs() ?? 0,
  ]);
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const [cpuAfter, redisAfter] = await Promise.all([
    deployment.serverCpuUs(),
    deployment.redis?.cpuUs() ?? 0,
  ]);
  return { cpuUs: cpuAfter - cpuBefore, redisUs: redisAfter - redisBefore, wallMs };
}
