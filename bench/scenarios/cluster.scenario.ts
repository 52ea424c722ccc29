import { BASELINE, MeasurementTable, rotation, type Kind, type Scenario } from '../lib/harness';
import { redisServerAvailable } from '../lib/bench-redis';
import {
  clusterCostOf,
  Deployment,
  type ClusterCost,
  type DeploymentPlan,
} from '../lib/cluster-deployment';
import { quantile } from '../lib/stats';

const ROOM_CPU = 'server CPU per delivered room message';
const USER_CPU = 'server CPU per delivered user message';
const REDIS_CPU = 'Redis CPU per published message';
const ROOM = 'everyone';
const INSTANCES = 3;

/** The deployments compared: three instances on Redis each, and ours on one instance. */
type Setup = 'ours' | 'socketio' | 'ours-single';

const PLANS: Record<Setup, DeploymentPlan> = {
  ours: { serverKind: 'ours-cluster', clientKind: 'ours', instances: INSTANCES, redis: true },
  socketio: {
    serverKind: 'socketio-cluster',
    clientKind: 'socketio',
    instances: INSTANCES,
    redis: true,
  },
  'ours-single': { serverKind: 'ours', clientKind: 'ours', instances: 1, redis: false },
};

/** Whose row a setup's measurements are: the single instance is ours, with its own metrics. */
const KIND_OF: Record<Setup, Kind> = { ours: 'ours', socketio: 'socketio', 'ours-single': 'ours' };

/**
 * Where the connections sit: for each i, `x<i>` on instance 0 and user `u<i>`'s two devices on
 * instances 1 and 2. Every publish is made on instance 0, so a room push (every connection is in
 * the room) crosses instances for two thirds of its recipients, and a push to `u<i>` reaches only
 * sockets on other instances than its publisher's. The single instance takes the same list.
 */
function layout(perInstance: number, instances: number): [string, number][] {
  const connections: [string, number][] = [];
  for (let i = 0; i < perInstance; i++) {
    connections.push([`x${i}`, 0], [`u${i}`, 1 % instances], [`u${i}`, 2 % instances]);
  }
  return connections;
}

/** A deployment up and measured, with what each of its connections must have received. */
interface Running {
  setup: Setup;
  deployment: Deployment;
  connections: [string, number][];
  expected: number[];
  delivered: number;
}

/**
 * Scale-out: three instances of ours on Redis (the cluster transport) against three Socket.IO
 * servers with `@socket.io/redis-adapter`, each side on a `redis-server` of its own on the same
 * terms. Server CPU (the three processes together) per delivered message for a room spanning
 * every instance and for pushes to users whose devices are on other instances than the
 * publisher; Redis CPU per published message (`INFO cpu`, over the user pushes, which publish
 * 500 per event-loop turn); and, at a paced rate, the cross-instance latency
 * (publish to receipt) p50/p99 of user pushes, against ours on one instance with the same
 * clients and rate. Every connection's count is checked exactly after every piece.
 */
export const cluster: Scenario = {
  name: 'cluster',
  async run(context) {
    if (!redisServerAvailable()) {
      const message = 'redis-server is not installed';
      if (process.env.CI === 'true') throw new Error(`${message}; CI requires it.`);
      console.error(`${message}: leaving out the cluster scenario.`);
      return [];
    }
    const perInstance = context.smoke ? 4 : 1000;
    const users = perInstance;
    const connections = perInstance * INSTANCES;
    const slices = context.smoke ? 1 : 4;
    const rounds = context.smoke ? 3 : 100;
    const burst = context.smoke ? users * 5 : 20_000;
    const perSecond = context.smoke ? 500 : 2000;
    const paced = context.smoke ? users * 5 : 6000;
    const setups = (['ours', 'socketio', 'ours-single'] as const).filter((setup) =>
      context.kinds.includes(KIND_OF[setup]),
    );
    const table = new MeasurementTable();
    const running: Running[] = [];

    /** Waits until every push so far has arrived, then checks each connection's count. */
    const settle = async (run: Running): Promise<void> => {
      await run.deployment.clients.call('waitFor', { total: run.delivered, timeoutMs: 120_000 });
      const counts = await run.deployment.clients.call<number[]>('perConnection');
      const wrong = run.expected.findIndex((count, i) => counts[i] !== count);
      if (wrong !== -1) {
        const [user, instance] = run.connections[wrong];
        throw new Error(
          `${run.setup}: connection ${wrong} (${user} on instance ${instance}) received ` +
            `${counts[wrong]} pushes, expected ${run.expected[wrong]}`,
        );
      }
    };
    /** `count` pushes to `room` from instance 0, checked. */
    const roomPushes = async (run: Running, count: number): Promise<void> => {
      await run.deployment.servers[0].call('roomBurst', { room: ROOM, rounds: count });
      for (let i = 0; i < run.expected.length; i++) run.expected[i] += count;
      run.delivered += count * connections;
      await settle(run);
    };
    /** Counts, for pushes to u0, u1, … (`count` of them, from u0 on), each device's share. */
    const expectUserPushes = (run: Running, count: number): void => {
      run.connections.forEach(([user], i) => {
        if (!user.startsWith('u')) return;
        const k = Number(user.slice(1));
        run.expected[i] += Math.floor(count / users) + (k < count % users ? 1 : 0);
      });
      run.delivered += count * 2;
    };
    /** `count` pushes to users u0, u1, … from instance 0 as fast as it goes, checked. */
    const userBurst = async (run: Running, count: number): Promise<void> => {
      await run.deployment.servers[0].call('targetBurst', { count, users, batch: 500 });
      expectUserPushes(run, count);
      await settle(run);
    };

    try {
      for (const setup of setups) {
        const deployment = await Deployment.start(PLANS[setup]);
        const list = layout(perInstance, PLANS[setup].instances);
        const run: Running = {
          setup,
          deployment,
          connections: list,
          expected: list.map(() => 0),
          delivered: 0,
        };
        running.push(run);
        if (setup === 'socketio') {
          // The adapter subscribes in the background, its broadcast pattern first and then its
          // request channel on the same connection: once every instance has the channel, it
          // has the pattern too. (Ours is subscribed once its server has started.)
          await deployment.redis!.waitForSubscribers('socket.io-request#/#', INSTANCES);
        }
        await deployment.clients.call('openEach', { urls: deployment.urls, connections: list });
        let members = 0;
        for (const server of deployment.servers) {
          members += await server.call<number>('joinAll', { room: ROOM });
        }
        if (members !== connections) throw new Error(`${setup}: ${members} in the room`);
        await roomPushes(run, context.smoke ? 1 : 10); // warm-up
        await userBurst(run, users);
      }
      for (let rep = 0; rep < context.reps; rep++) {
        // Room and user pieces in round-robin slices (rotated start), so that noise from this
        // shared machine lands on every deployment alike.
        const totals = new Map(
          running.map((run) => [run, { room: zero(), user: zero() }] as const),
        );
        for (let slice = 0; slice < slices; slice++) {
          for (const run of rotation(running, rep + slice)) {
            const total = totals.get(run)!;
            add(
              total.room,
              await clusterCostOf(run.deployment, () => roomPushes(run, rounds / slices)),
            );
            add(
              total.user,
              await clusterCostOf(run.deployment, () => userBurst(run, burst / slices)),
            );
          }
        }
        for (const [run, total] of totals) {
          const kind = KIND_OF[run.setup];
          const single = run.setup === 'ours-single' ? ' (one instance)' : '';
          table.add(ROOM_CPU + single, 'µs', kind, total.room.cpuUs / (rounds * connections));
          table.add(USER_CPU + single, 'µs', kind, total.user.cpuUs / (burst * 2));
          // From the user pushes only: a PUBLISH costs Redis the same whoever it is for, and the
          // room pieces publish too few (25 each) for Redis's own background work (about 1 ms
          // of CPU a second when idle) not to swamp them.
          if (run.setup !== 'ours-single') {
            table.add(REDIS_CPU, 'µs', kind, total.user.redisUs / burst);
          }
        }
        for (const run of rotation(running, rep)) {
          const { clients, servers } = run.deployment;
          await clients.call('sample', { on: true });
          await servers[0].call('target', { count: paced, users, perSecond });
          expectUserPushes(run, paced);
          await settle(run);
          const latencies = await clients.call<number[]>('sample', { on: false });
          if (latencies.length !== paced * 2)
            throw new Error(`${run.setup}: ${latencies.length} latency samples of ${paced * 2}`);
          const where = run.setup === 'ours-single' ? 'single-instance' : 'cross-instance';
          for (const [name, q] of [
            ['p50', 0.5],
            ['p99', 0.99],
          ] as const) {
            table.add(
              `${where} latency ${name} at ${perSecond} msg/s`,
              'ms',
              KIND_OF[run.setup],
              quantile(latencies, q),
            );
          }
        }
      }
      // A last room push: a duplicate of anything earlier would arrive before it.
      for (const run of running) await roomPushes(run, 1);
    } finally {
      for (const run of running) await run.deployment.stop();
    }
    const crossP99 = `cross-instance latency p99 at ${perSecond} msg/s`;
    return [
      {
        scenario: 'cluster',
        parameters: { instances: INSTANCES, connections, rounds, burst, perSecond, paced },
        measurements: table.finish(BASELINE),
        targets: [
          { metric: ROOM_CPU, against: 'socketio', atMost: 0.6 },
          { metric: USER_CPU, against: 'socketio', atMost: 0.6 },
          {
            metric: crossP99,
            against: 'ours',
            againstMetric: `single-instance latency p99 at ${perSecond} msg/s`,
            atMost: 2,
          },
        ],
      },
    ];
  },
};

function zero(): ClusterCost {
  return { cpuUs: 0, redisUs: 0, wallMs: 0 };
}

function add(total: ClusterCost, cost: ClusterCost): void {
  total.cpuUs += cost.cpuUs;
  total.redisUs += cost.redisUs;
  total.wallMs += cost.wallMs;
}
